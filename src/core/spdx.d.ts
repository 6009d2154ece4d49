// The parts of spdx-expression-parse 4 and spdx-satisfies 6 the license policy uses (neither
// package ships types and there are no @types for them).
declare module 'spdx-expression-parse' {
  export interface LicenseNode {
    license: string;
    plus?: true;
    exception?: string;
  }
  export interface ConjunctionNode {
    left: ExpressionNode;
    conjunction: 'and' | 'or';
    right: ExpressionNode;
  }
  export type ExpressionNode = LicenseNode | ConjunctionNode;
  /** Throws on anything that is not a valid SPDX license expression. */
  function parse(expression: string): ExpressionNode;
  export default parse;
}

declare module 'spdx-satisfies' {
  /** Whether `expression` is satisfied by the approved ids (simple ids, `X+` ranges, `X WITH Y`; no AND/OR). */
  function satisfies(expression: string, approved: string[]): boolean;
  export default satisfies;
}
