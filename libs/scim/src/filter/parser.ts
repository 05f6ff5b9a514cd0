/**
 * Recursive-descent parser for RFC 7644 §3.4.2.2:
 *
 *   FILTER    = attrExp / logExp / valuePath / *1"not" "(" FILTER ")"
 *   valuePath = attrPath "[" valFilter "]"
 *   valFilter = attrExp / logExp / *1"not" "(" valFilter ")"
 *   attrExp   = (attrPath SP "pr") / (attrPath SP compareOp SP compValue)
 *   logExp    = FILTER SP ("and" / "or") SP FILTER
 *
 * Precedence is "not" (and parentheses) over "and" over "or" (§3.4.2.2, Table 3 order);
 * "and"/"or" associate to the left. Operators and keywords are case-insensitive.
 */
import { ScimError, type ScimErrorType } from '../errors/scim-error';
import { parseAttributePath, type AttributePath } from '../paths/attribute-path';
import { SCIM_INPUT_LIMITS } from '../limits/input-limits';
import { isCompareOperator, type ComparisonValue, type FilterExpression } from './ast';
import { tokenize, type Token } from './lexer';

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

export class FilterParser {
  private index = 0;
  /** Comparisons read so far and the current nesting: both bounded (SCIM_INPUT_LIMITS), so every recursive use of the tree is. */
  private terms = 0;
  private depth = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly errorType: ScimErrorType,
  ) {}

  peek(): Token {
    return this.tokens[this.index];
  }

  next(): Token {
    const token = this.tokens[this.index];
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  fail(token: Token, why: string): never {
    const found = token.kind === 'eof' ? 'end of input' : `'${token.text}'`;
    throw new ScimError(400, this.errorType, `${why}, found ${found} at position ${token.start}`);
  }

  expect(kind: Token['kind'], what: string): Token {
    const token = this.peek();
    if (token.kind !== kind) this.fail(token, `Expected ${what}`);
    return this.next();
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'eof') this.fail(token, 'Expected end of filter');
  }

  /** FILTER, or valFilter when `inValuePath` (no nested value paths there). */
  parseExpression(inValuePath: boolean): FilterExpression {
    let left = this.parseAnd(inValuePath);
    while (this.isKeyword(this.peek(), 'or')) {
      this.next();
      left = { type: 'or', left, right: this.parseAnd(inValuePath) };
    }
    return left;
  }

  /** Reads attrPath text at the current token (used by the PATCH path parser too). */
  parseAttributePathToken(): { path: AttributePath; token: Token } {
    const token = this.peek();
    if (token.kind !== 'word' || this.isKeyword(token, 'and') || this.isKeyword(token, 'or') || this.isKeyword(token, 'not')) {
      this.fail(token, 'Expected an attribute path');
    }
    this.next();
    return { path: parseAttributePath(token.text, this.errorType, token.start), token };
  }

  /** "." subAttr written directly after "]", as in `emails[type eq "work"].value`. */
  parseSubAttributeAfterBracket(closing: Token): string | undefined {
    const token = this.peek();
    if (token.kind !== 'word' || !token.text.startsWith('.') || token.start !== closing.end) return undefined;
    this.next();
    const parsed = parseAttributePath(token.text.slice(1), this.errorType, token.start + 1);
    if (parsed.uri !== undefined || parsed.subAttribute !== undefined) {
      this.fail(token, 'Expected a single sub-attribute name after "]"');
    }
    return parsed.attribute;
  }

  private parseAnd(inValuePath: boolean): FilterExpression {
    let left = this.parseUnary(inValuePath);
    while (this.isKeyword(this.peek(), 'and')) {
      this.next();
      left = { type: 'and', left, right: this.parseUnary(inValuePath) };
    }
    return left;
  }

  private parseUnary(inValuePath: boolean): FilterExpression {
    const token = this.peek();
    if (this.isKeyword(token, 'not')) {
      this.next();
      this.expect('(', "'(' after 'not'");
      const expression = this.nested(token, () => this.parseExpression(inValuePath));
      this.expect(')', "')'");
      return { type: 'not', expression };
    }
    if (token.kind === '(') {
      this.next();
      const expression = this.nested(token, () => this.parseExpression(inValuePath));
      this.expect(')', "')'");
      return expression;
    }
    return this.parseAttributeExpression(inValuePath);
  }

  /** Parses one level deeper: parentheses, `not (...)` and value paths nest at most SCIM_INPUT_LIMITS.filterDepth. */
  nested<T>(token: Token, parse: () => T): T {
    if (this.depth >= SCIM_INPUT_LIMITS.filterDepth) this.fail(token, `Filter nests deeper than ${SCIM_INPUT_LIMITS.filterDepth} levels`);
    this.depth++;
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private countTerm(token: Token): void {
    if (++this.terms > SCIM_INPUT_LIMITS.filterTerms) this.fail(token, `Filter has more than ${SCIM_INPUT_LIMITS.filterTerms} comparisons`);
  }

  private parseAttributeExpression(inValuePath: boolean): FilterExpression {
    const { path, token } = this.parseAttributePathToken();
    if (this.peek().kind === '[') {
      if (inValuePath) this.fail(this.peek(), 'Value paths cannot be nested');
      if (path.subAttribute !== undefined) this.fail(this.peek(), `Expected an operator after '${token.text}'`);
      const opening = this.next();
      const inner = this.nested(opening, () => this.parseExpression(true));
      const closing = this.expect(']', "']'");
      const sub = this.parseSubAttributeAfterBracket(closing);
      if (sub === undefined) return { type: 'valuePath', path, filter: inner };
      // `emails[type eq "work"].value eq "x"` constrains one element on both counts, which is
      // exactly `emails[type eq "work" and value eq "x"]`.
      const subExpression = this.parseOperatorAndValue({ attribute: sub });
      return { type: 'valuePath', path, filter: { type: 'and', left: inner, right: subExpression } };
    }
    return this.parseOperatorAndValue(path);
  }

  private parseOperatorAndValue(path: AttributePath): FilterExpression {
    const opToken = this.peek();
    if (opToken.kind !== 'word') this.fail(opToken, 'Expected an operator');
    this.countTerm(opToken);
    const operator = opToken.text.toLowerCase();
    if (operator === 'pr') {
      this.next();
      return { type: 'present', path };
    }
    if (!isCompareOperator(operator)) this.fail(opToken, 'Expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)');
    this.next();
    return { type: 'compare', path, operator, value: this.parseValue(operator) };
  }

  private parseValue(operator: string): ComparisonValue {
    const token = this.peek();
    if (token.kind === 'string') {
      this.next();
      return token.value!;
    }
    if (token.kind === 'word') {
      const lower = token.text.toLowerCase();
      let value: ComparisonValue | undefined;
      if (lower === 'true') value = true;
      else if (lower === 'false') value = false;
      else if (lower === 'null') value = null;
      else if (JSON_NUMBER.test(token.text)) value = Number(token.text);
      if (value === undefined) this.fail(token, `Invalid comparison value after '${operator}'`);
      this.next();
      return value;
    }
    return this.fail(token, `Expected a comparison value after '${operator}'`);
  }

  private isKeyword(token: Token, keyword: string): boolean {
    return token.kind === 'word' && token.text.toLowerCase() === keyword;
  }
}

/** Parses a "filter" query parameter or request attribute; errors are 400 invalidFilter. */
export function parseFilter(input: string): FilterExpression {
  if (input.trim() === '') throw new ScimError(400, 'invalidFilter', 'Filter is empty');
  const parser = new FilterParser(tokenize(input, 'invalidFilter'), 'invalidFilter');
  const expression = parser.parseExpression(false);
  parser.expectEnd();
  return expression;
}
