// Prints a bearer token for local use, signed with the data directory's JWT secret (or TAKEAWAY_JWT_SECRET):
// `npx tsx src/server/dev-token.ts alice [hours]`. Production tokens come from the app's identity provider.

import { SignJWT } from 'jose';
import { loadServerConfig } from './config.ts';

const [userId, hoursText = '12'] = process.argv.slice(2);
if (!userId) {
  console.error('usage: npx tsx src/server/dev-token.ts USER_ID [HOURS]');
  process.exit(2);
}
if (!(Number(hoursText) > 0 && Number(hoursText) <= 24)) {
  console.error('HOURS must be between 0 and 24: the server refuses tokens that live longer (src/server/auth.ts)');
  process.exit(2);
}
const config = await loadServerConfig();
const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuedAt()
  .setExpirationTime(`${Number(hoursText)}h`).sign(config.jwtSecret);
console.log(token);
