import { pgliteDatabase, pgliteThreadDatabase } from '../helpers/databases.js';
import { repositoryContract } from './repositories.contract.js';

repositoryContract(pgliteDatabase);
repositoryContract(pgliteThreadDatabase);
