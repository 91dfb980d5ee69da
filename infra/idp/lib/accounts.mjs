// Fixed demo users. Passwords are the user names: this IdP only ever runs on a developer's
// machine or in CI, and tests log in as these users by name.
const USERS = new Map([
  // Alice is an admin and Bob is not, so that a route for admins only can be tried with both.
  ['alice', { password: 'alice', name: 'Alice Liddell', email: 'alice@example.com', role: ['admin', 'user'] }],
  ['bob', { password: 'bob', name: 'Bob Builder', email: 'bob@example.com', role: ['user'] }],
]);

export function verifyPassword(login, password) {
  const user = USERS.get(login);
  // Only the two fixed users exist, so a timing-safe comparison would buy nothing here.
  return user !== undefined && user.password === password ? login : undefined;
}

// The shape oidc-provider's findAccount expects; sub is the login so it stays stable across restarts.
export async function findAccount(_ctx, id) {
  const user = USERS.get(id);
  if (!user) return undefined;
  return {
    accountId: id,
    async claims() {
      return {
        sub: id,
        name: user.name,
        preferred_username: id,
        email: user.email,
        email_verified: true,
        role: user.role,
      };
    },
  };
}
