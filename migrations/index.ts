import { InitialSchema1764259200000 } from './1764259200000-initial-schema.js';
import { MasterData1764300000000 } from './1764300000000-master-data.js';

/** Every migration, in order. Listed by hand so the compiled app and ts-jest load the same set. */
export const MIGRATIONS = [InitialSchema1764259200000, MasterData1764300000000];
