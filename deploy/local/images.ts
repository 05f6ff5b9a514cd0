/**
 * Container images for machines with Docker (docker-compose.yml and testcontainers). The Kafka
 * version is the one deploy/local/kafka.env pins for the jar-based broker; a test checks they agree.
 */
export const KAFKA_IMAGE = 'apache/kafka:4.4.0';
export const POSTGRES_IMAGE = 'postgres:16-alpine';
