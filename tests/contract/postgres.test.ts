import { describe, it } from 'vitest';
import { postgresAvailable, postgresDatabase } from '../helpers/databases.js';
import { repositoryContract } from './repositories.contract.js';

const available = await postgresAvailable();
if (available) repositoryContract(postgresDatabase);
else describe.skip('repositories on postgres (no server answered; set DATABASE_URL)', () => it('skipped', () => undefined));
