/** sortBy / sortOrder, RFC 7644 §3.4.2.3. */
import { ScimError } from '../errors/scim-error';
import { parseAttributePath } from '../paths/attribute-path';
import { findSubAttribute } from '../schemas/attribute-definition';
import type { ResolvedAttribute, SchemaContext } from '../schemas/schema-context';

export type SortOrder = 'ascending' | 'descending';

export interface SortSpec {
  /** The attribute sorted on; a multi-valued complex sortBy resolves to its "value" sub-attribute. */
  readonly attribute: ResolvedAttribute;
  readonly order: SortOrder;
}

/** Undefined when no sortBy is given; sortOrder defaults to ascending. Errors are 400 invalidValue. */
export function parseSort(params: { readonly sortBy?: string; readonly sortOrder?: string }, context: SchemaContext): SortSpec | undefined {
  const sortBy = params.sortBy?.trim();
  if (sortBy === undefined || sortBy === '') return undefined;
  let order: SortOrder = 'ascending';
  const rawOrder = params.sortOrder?.trim().toLowerCase();
  if (rawOrder !== undefined && rawOrder !== '') {
    if (rawOrder !== 'ascending' && rawOrder !== 'descending') {
      throw new ScimError(400, 'invalidValue', `"sortOrder" must be "ascending" or "descending", got "${params.sortOrder}"`);
    }
    order = rawOrder;
  }
  let resolved = context.resolve(parseAttributePath(sortBy, 'invalidValue'));
  if (resolved === undefined) throw new ScimError(400, 'invalidValue', `Cannot sort by unknown attribute '${sortBy}'`);
  if (resolved.definition.type === 'complex') {
    // §3.4.2.3: a multi-valued attribute sorts by its (primary) value.
    const valueSub = findSubAttribute(resolved.definition, 'value');
    const implied = valueSub && resolved.subAttribute === undefined ? context.resolveSubAttribute(resolved, valueSub.name) : undefined;
    if (implied === undefined) throw new ScimError(400, 'invalidValue', `Cannot sort by complex attribute '${sortBy}'`);
    resolved = implied;
  }
  return { attribute: resolved, order };
}
