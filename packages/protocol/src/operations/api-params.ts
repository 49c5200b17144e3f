import type { Cents } from '../money.js';
import type { OperationName, OperationOf, SharedOf } from './operations.js';
import type { CamelCase, LEVEL2_PARAMETERS, Level2Name, PARAMETERS, ParameterName } from './parameters.js';

/**
 * The API's parameter types (camelCase, amounts as `Cents`), computed from the operation and parameter
 * tables: the client's `SaleParams`… and the bridge's params codecs are these, so they cannot drift apart.
 */

/** The API type of a parameter row: `Cents` for cents, its choices for a choice, an object for level-2 data. */
export type ApiValue<R> = R extends { readonly kind: 'cents' }
  ? Cents
  : R extends { readonly kind: 'choice'; readonly choices: readonly (infer C)[] }
    ? C
    : R extends { readonly kind: 'level2' }
      ? PurchaseLevel2Params
      : string;

/** Level-2 purchase data, sent as `purchase_level_2`. */
export type PurchaseLevel2Params = {
  readonly [K in Level2Name as CamelCase<K>]?: ApiValue<(typeof LEVEL2_PARAMETERS)[K]>;
};

/** A parameter's API type in operation `O`: the row's narrower choices where it has them. */
type ValueIn<O, K extends ParameterName> = O extends {
  readonly choices: { readonly [P in K]: { readonly choices: readonly (infer C)[] } };
}
  ? C
  : ApiValue<(typeof PARAMETERS)[K]>;

/** The parameters of operation `N` as its API method takes them. */
export type OperationParams<N extends OperationName> = {
  readonly [K in OperationOf<N>['required'][number] as CamelCase<K>]: ValueIn<OperationOf<N>, K>;
} & {
  readonly [K in
    | OperationOf<N>['optional'][number]
    | SharedOf<OperationOf<N>['shared']> as CamelCase<K>]?: ValueIn<OperationOf<N>, K>;
};

/** The operations whose parameters are all optional (their API methods default them to `{}`). */
export type OptionalParamsOperation = {
  [N in OperationName]: OperationOf<N>['required'] extends readonly [] ? N : never;
}[OperationName];
