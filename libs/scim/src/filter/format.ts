/** Renders a filter tree back to RFC 7644 §3.4.2.2 text, parenthesising only where needed. */
import { formatAttributePath } from '../paths/attribute-path';
import type { FilterExpression } from './ast';

function precedence(expression: FilterExpression): number {
  if (expression.type === 'or') return 1;
  if (expression.type === 'and') return 2;
  return 3;
}

export function formatFilter(expression: FilterExpression): string {
  switch (expression.type) {
    case 'compare':
      return `${formatAttributePath(expression.path)} ${expression.operator} ${JSON.stringify(expression.value)}`;
    case 'present':
      return `${formatAttributePath(expression.path)} pr`;
    case 'not':
      return `not (${formatFilter(expression.expression)})`;
    case 'valuePath':
      return `${formatAttributePath(expression.path)}[${formatFilter(expression.filter)}]`;
    case 'and':
    case 'or': {
      const own = precedence(expression);
      const left = formatFilter(expression.left);
      const right = formatFilter(expression.right);
      // Left-associative: a right operand of equal precedence came from explicit parentheses.
      const l = precedence(expression.left) < own ? `(${left})` : left;
      const r = precedence(expression.right) <= own ? `(${right})` : right;
      return `${l} ${expression.type} ${r}`;
    }
  }
}
