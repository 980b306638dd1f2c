/**
 * Roles granted for GitHub organization and team membership. Keys are matched case-insensitively,
 * as GitHub logins and slugs are.
 *
 * @example
 * { orgs: { acme: ['member'] }, teams: { 'acme/platform-admins': ['admin'] } }
 */
export interface GitHubRoleMapping {
  /** Roles for members of an organization, keyed by organization login. */
  orgs?: Record<string, string[]>;
  /** Roles for members of a team, keyed by `org-login/team-slug`. */
  teams?: Record<string, string[]>;
}

/** The memberships GitHub reported for a user (lower-cased). */
export interface GitHubMemberships {
  /** Organization logins. */
  orgs: string[];
  /** `org-login/team-slug` */
  teams: string[];
}

/** The roles `mapping` grants for `memberships`. */
export function rolesForMemberships(mapping: GitHubRoleMapping, memberships: GitHubMemberships): string[] {
  const roles = new Set<string>();
  const grant = (table: Record<string, string[]> | undefined, memberOf: string[]) => {
    for (const [key, granted] of Object.entries(table ?? {})) {
      if (memberOf.includes(key.toLowerCase())) granted.forEach((role) => roles.add(role));
    }
  };
  grant(mapping.orgs, memberships.orgs);
  grant(mapping.teams, memberships.teams);
  return [...roles];
}

export function mapsOrgs(mapping: GitHubRoleMapping | undefined): boolean {
  return Object.keys(mapping?.orgs ?? {}).length > 0;
}

export function mapsTeams(mapping: GitHubRoleMapping | undefined): boolean {
  return Object.keys(mapping?.teams ?? {}).length > 0;
}
