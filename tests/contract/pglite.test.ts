import { pgliteDatabase } from '../helpers/databases.js';
import { repositoryContract } from './repositories.contract.js';

repositoryContract(pgliteDatabase);
