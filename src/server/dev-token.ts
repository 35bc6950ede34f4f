// Prints a bearer token for local use, signed with the data directory's JWT secret (or TAKEAWAY_JWT_SECRET) and
// carrying TAKEAWAY_JWT_ISSUER / TAKEAWAY_JWT_AUDIENCE when set: `npx tsx src/server/dev-token.ts alice [hours]`.
// Production tokens come from the app's identity provider.

import { MAX_TOKEN_AGE_S, signBearer } from './auth.ts';
import { loadServerConfig } from './config.ts';

const [userId, hoursText = '12'] = process.argv.slice(2);
if (!userId) {
  console.error('usage: npx tsx src/server/dev-token.ts USER_ID [HOURS]');
  process.exit(2);
}
if (!(Number(hoursText) > 0 && Number(hoursText) * 3600 <= MAX_TOKEN_AGE_S)) {
  console.error(`HOURS must be between 0 and ${MAX_TOKEN_AGE_S / 3600}: the server refuses tokens that live longer (src/server/auth.ts)`);
  process.exit(2);
}
const config = await loadServerConfig();
console.log(await signBearer(userId, config.jwt, Math.round(Number(hoursText) * 3600)));
