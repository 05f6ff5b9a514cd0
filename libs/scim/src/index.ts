/**
 * @app/scim — SCIM 2.0 protocol code (RFC 7643 schema, RFC 7644 protocol) without I/O.
 */

// Errors (RFC 7644 §3.12)
export { ScimError, ScimErrorType, SCIM_ERROR_SCHEMA, type ScimErrorResponse } from './errors/scim-error';

// What a request may hold (docs/security.md)
export { SCIM_INPUT_LIMITS, isStorableText, checkStorableText, checkStorableJson, countMemberValues } from './limits/input-limits';
export { isXsdDateTime } from './filter/validate-filter';

// JSON model
export type { JsonObject, JsonPrimitive, JsonValue } from './common/json';

// Schemas (RFC 7643 §2, §4, §6, §7)
export { USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA, GENESYS_USER_SCHEMA, SCHEMA_SCHEMA, RESOURCE_TYPE_SCHEMA, LIST_RESPONSE_SCHEMA, PATCH_OP_SCHEMA } from './schemas/urns';
export {
  attribute,
  complexAttribute,
  findAttribute,
  findSubAttribute,
  type AttributeDefinition,
  type AttributeOptions,
  type AttributeType,
  type Mutability,
  type Returned,
  type SchemaDefinition,
  type Uniqueness,
} from './schemas/attribute-definition';
export { COMMON_ATTRIBUTES } from './schemas/common-attributes';
export { USER_SCHEMA_DEFINITION } from './schemas/user-schema';
export { ENTERPRISE_USER_SCHEMA_DEFINITION } from './schemas/enterprise-user-schema';
export { GROUP_SCHEMA_DEFINITION } from './schemas/group-schema';
export { GENESYS_USER_SCHEMA_DEFINITION } from './schemas/genesys-user-schema';
export { USER_RESOURCE_TYPE, GROUP_RESOURCE_TYPE, type ResourceTypeDefinition, type SchemaExtensionReference } from './schemas/resource-types';
export { SchemaRegistry, type SchemaContextOptions } from './schemas/schema-registry';
export { UserSchemaContexts, type UserSchemaChoice } from './schemas/user-schema-contexts';
export { parseCustomSchema, parseCustomSchemas, CUSTOM_SCHEMA_LIMITS } from './schemas/custom-schema';
export { SchemaContext, resolveSubAttribute, type ResolvedAttribute, type SchemaAttributes } from './schemas/schema-context';
export { toSchemaResource, contextSchemaResources, toResourceTypeResource } from './schemas/schema-representation';

// Paths (RFC 7644 §3.10, §3.5.2)
export { parseAttributePath, formatAttributePath, type AttributePath } from './paths/attribute-path';
export { parsePatchPath, formatPatchPath, type PatchPath } from './paths/patch-path';

// Filters (RFC 7644 §3.4.2.2)
export {
  COMPARE_OPERATORS,
  type AndExpression,
  type CompareExpression,
  type CompareOperator,
  type ComparisonValue,
  type FilterExpression,
  type NotExpression,
  type OrExpression,
  type PresentExpression,
  type ValuePathExpression,
} from './filter/ast';
export { orTerms } from './filter/ast';
export { parseFilter } from './filter/parser';
export { formatFilter } from './filter/format';
export { validateFilter, validateValueFilter } from './filter/validate-filter';
export { matchesFilter } from './filter/evaluate-filter';
export { compareValue } from './filter/compare';

// PATCH (RFC 7644 §3.5.2)
export { parsePatchRequest, normalisePatchOperation, type PatchOperation, type PatchOperationInput, type PatchOperationType } from './patch/patch-request';
export { applyPatch, type PatchOptions, type PatchResult } from './patch/apply-patch';

// POST / PUT bodies (RFC 7644 §3.3, §3.5.1)
export { etagOf, ifMatchSatisfied } from './resource/versions';
export { validateResource, type ValidateResourceOptions, type ValidatedResource } from './resource/validate-resource';
export { isWriteOnly, withoutWriteOnly, withoutWriteOnlyOperations } from './resource/write-only';

// Lists (RFC 7644 §3.4.2)
export { buildListResponse, type ListResponse } from './list/list-response';
export { parsePagination, type Pagination, type PaginationOptions } from './list/pagination';
export { parseSort, type SortOrder, type SortSpec } from './list/sorting';
export { projectResource, parseAttributeList, type ProjectionOptions } from './list/projection';
export { parseListQuery, type ListQuery, type QueryParams } from './list/list-query';
