// lantern serve | migrate | seed | backup | restore
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from './config.ts';
import { AppError } from './platform/errors.ts';
import { openDatabase, serve } from './main.ts';
import { backupEmbedded, restoreEmbedded } from './db/embedded.ts';
import { seedDatabase } from './seed/generate.ts';
import { seedDirectory } from './seed/directory.ts';
import { seedSyntheticListings } from './seed/synthetic-listings.ts';
import { seedReferrals } from './seed/referrals.ts';
import { describeImport, FeedError, importOrukFeed } from './features/directory/oruk/import.ts';

const USAGE = `Usage: lantern <command>

  serve                          run the hub (npm start)
  migrate                        apply database migrations and stop
  seed --tenant kent|kingston [--tenant ...] --people N [--listings M] [--referrals R]
       [--open-referrals O] [--seed S]
                                 generate deterministic demo data into the configured database
                                 (a new, empty one: set DATABASE_URL or DATA_DIR): tenants, people,
                                 the directory's demo listings, M synthetic listings across
                                 England in the first tenant (for benchmarks; default 0), R
                                 referrals per tenant with a year's history (closed, waiting,
                                 waiting for triage; default 0) and O more referrals per tenant all
                                 waiting for triage (the triage queue's benchmark; default 0)
  import oruk --tenant T --from URL-OR-FILE [--prefix P]
                                 import an Open Referral UK feed (an API's base URL, or a JSON
                                 file) into a tenant's directory; importing again updates in place
  backup --out FILE.tar.gz       copy the embedded database to a file (stop the hub first)
  restore --from FILE.tar.gz     make a new embedded database in DATA_DIR from a backup
`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const config = loadConfig();
  switch (command) {
    case 'serve':
      await serve(config);
      return;
    case 'migrate': {
      const db = await openDatabase({ ...config, demoData: false }, console.log);
      await db.close();
      console.log('Database is up to date.');
      return;
    }
    case 'seed': {
      const { values } = parseArgs({
        args: rest,
        options: {
          tenant: { type: 'string', multiple: true },
          people: { type: 'string' },
          listings: { type: 'string' },
          referrals: { type: 'string' },
          'open-referrals': { type: 'string' },
          seed: { type: 'string' },
        },
      });
      const tenants = (values.tenant ?? ['kent']) as string[];
      const bad = tenants.filter((t) => t !== 'kent' && t !== 'kingston');
      if (bad.length) throw new Error(`Unknown tenant ${bad.join(', ')}: use kent or kingston.`);
      const people = Number(values.people ?? '1000');
      if (!Number.isInteger(people) || people < 0) throw new Error('--people must be a whole number, like 1000');
      const listings = Number(values.listings ?? '0');
      if (!Number.isInteger(listings) || listings < 0) throw new Error('--listings must be a whole number, like 50000');
      const referrals = Number(values.referrals ?? '0');
      if (!Number.isInteger(referrals) || referrals < 0) throw new Error('--referrals must be a whole number, like 1000');
      const openReferrals = Number(values['open-referrals'] ?? '0');
      if (!Number.isInteger(openReferrals) || openReferrals < 0) throw new Error('--open-referrals must be a whole number, like 100000');
      if ((referrals || openReferrals) && people === 0) throw new Error('Referrals need people to refer: give --people too.');
      const db = await openDatabase({ ...config, demoData: false }, console.log);
      try {
        const started = performance.now();
        const seed = values.seed ?? 'lantern-demo';
        await seedDatabase(db, { tenants: tenants as ('kent' | 'kingston')[], people, seed }, console.log);
        const directory = await seedDirectory(db, tenants as ('kent' | 'kingston')[]);
        console.log(`Directory: ${directory.terms} taxonomy terms, ${directory.listings} demo listings.`);
        if (listings > 0) {
          const report = await seedSyntheticListings(db, { tenantId: tenants[0] as string, count: listings, seed }, console.log);
          console.log(`Added ${listings.toLocaleString('en-GB')} synthetic listings to ${report.tenantId} in ${(report.millis / 1000).toFixed(1)} s.`);
        }
        for (const [count, mix] of [[referrals, 'history'], [openReferrals, 'open']] as const) {
          if (count === 0) continue;
          for (const tenant of tenants as ('kent' | 'kingston')[]) {
            const report = await seedReferrals(db, { tenant, count, seed, mix }, console.log);
            const states = Object.entries(report.byState).map(([state, n]) => `${n.toLocaleString('en-GB')} ${state.replace(/_/g, ' ')}`).join(', ');
            console.log(`${tenant}: ${count.toLocaleString('en-GB')} referrals (${states}) in ${(report.millis / 1000).toFixed(1)} s.`);
          }
        }
        console.log(`Seeded ${people.toLocaleString('en-GB')} people per tenant in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
      } finally {
        await db.close();
      }
      return;
    }
    case 'import': {
      const [kind, ...args] = rest;
      if (kind !== 'oruk') throw new Error('Say what to import: lantern import oruk --tenant kent --from https://example.org/oruk');
      const { values } = parseArgs({ args, options: { tenant: { type: 'string' }, from: { type: 'string' }, prefix: { type: 'string' } } });
      if (!values.tenant || !values.from) throw new Error('Say which tenant and which feed: lantern import oruk --tenant kent --from https://example.org/oruk');
      const db = await openDatabase({ ...config, demoData: false }, console.log);
      try {
        const summary = await importOrukFeed(db, { tenantId: values.tenant, source: values.from, idPrefix: values.prefix });
        console.log(`Imported ${values.from} into ${values.tenant}: ${describeImport(summary)}`);
      } catch (error) {
        if (!(error instanceof FeedError)) throw error;
        console.error(error.message);
        process.exitCode = 1;
      } finally {
        await db.close();
      }
      return;
    }
    case 'backup': {
      const { values } = parseArgs({ args: rest, options: { out: { type: 'string' } } });
      if (config.databaseUrl) throw new Error('backup is for the embedded database. For PostgreSQL use pg_dump.');
      if (!values.out) throw new Error('Say where to write the backup: lantern backup --out lantern-backup.tar.gz');
      await backupEmbedded(config.dataDir, values.out);
      console.log(`Backup written to ${values.out}`);
      return;
    }
    case 'restore': {
      const { values } = parseArgs({ args: rest, options: { from: { type: 'string' } } });
      if (!values.from) throw new Error('Say which backup to restore: lantern restore --from lantern-backup.tar.gz');
      await restoreEmbedded(config.dataDir, values.from);
      console.log(`Restored into ${config.dataDir}`);
      return;
    }
    default:
      console.log(USAGE);
      if (command && command !== 'help' && command !== '--help') process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // Settings and operator mistakes get their message alone; anything else its stack too.
  if (error instanceof ConfigError || error instanceof AppError) console.error(error.message);
  else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
