/** Whether a server (or middleware) requires authentication. */
export const AuthRequirement = {
  /** Every call needs a verified caller (except `@Public()` targets). */
  REQUIRED: 'required',
  /** Credentials are verified when sent; decorators decide what needs them. */
  OPTIONAL: 'optional',
  /** The middleware does nothing. */
  NONE: 'none',
} as const;
export type AuthRequirement = (typeof AuthRequirement)[keyof typeof AuthRequirement];
