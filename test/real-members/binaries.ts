// The build lives with the CLI that runs real members (`up --real-members`); this entry
// keeps `npx tsx test/real-members/binaries.ts` building (or confirming) the cache.
import { ensureRealMemberBinaries } from '../../cli/member/real-member-binaries.js';

export * from '../../cli/member/real-member-binaries.js';

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureRealMemberBinaries((l) => console.log(l)).then(
    (b) => console.log(JSON.stringify(b, null, 2)),
    (e: Error) => {
      console.error(e.message);
      process.exit(1);
    },
  );
}
