/** An event of an HTTP alert receiver, from `status()`. */
export type ReceiverStatus =
  | { readonly type: "listening"; readonly url: string }
  /** A consumer fell behind and lost its oldest alerts; `total` counts every drop so far. */
  | { readonly type: "dropped"; readonly total: number }
  /** A request was refused (4xx); `total` counts every refusal so far. */
  | {
      readonly type: "rejected";
      readonly status: number;
      readonly reason: string;
      readonly total: number;
    }
  | { readonly type: "closed" };
