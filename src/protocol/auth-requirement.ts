/** Whether a server (or middleware) requires authentication. */
export const AuthRequirement = {
  REQUIRED: 'required',
  OPTIONAL: 'optional',
  NONE: 'none',
} as const;
export type AuthRequirement = (typeof AuthRequirement)[keyof typeof AuthRequirement];
