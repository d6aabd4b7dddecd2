import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { UsageRecord } from '../../repositories/types.js';

const SUFFIX = '.ndjson';
const OWNER = 'owner';

/** A spool file: rows appended to it, and how many of them the ledger has not stored yet. */
export interface SpoolSegment {
  readonly name: string;
  fd: number | null;
  pending: number;
}

export class SpoolInUseError extends Error {}

/**
 * The ledger's durable local spool. Every usage row is appended to a file with one write(2) before the request is
 * answered, so a row the process answered for survives the process being killed (kill -9, out of memory): the kernel
 * has it. Rows are stored in the ledger in batches as before; a file is deleted once every row in it is stored, and
 * whatever is left is replayed into the ledger (idempotent by event id) when the process starts again. One process
 * owns a spool directory at a time.
 */
export class LedgerSpool {
  private current: SpoolSegment | undefined;
  private seq = 0;
  private readonly sealed = new Set<SpoolSegment>();

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    claim(dir);
  }

  /** Rows a previous process left behind, oldest file first, with the files they came from. */
  leftovers(): { files: string[]; rows: UsageRecord[]; unreadable: number } {
    const files = readdirSync(this.dir).filter((f) => f.endsWith(SUFFIX)).sort();
    const rows: UsageRecord[] = [];
    let unreadable = 0;
    for (const file of files) {
      for (const line of readFileSync(join(this.dir, file), 'utf8').split('\n')) {
        if (line === '') continue;
        try {
          const row = JSON.parse(line) as UsageRecord & { occurred_at: string };
          rows.push({ ...row, occurred_at: new Date(row.occurred_at) });
        } catch {
          unreadable++; // a line cut short when the machine itself stopped: nothing was answered for it
        }
      }
    }
    return { files, rows, unreadable };
  }

  forget(files: readonly string[]): void {
    for (const file of files) unlinkSync(join(this.dir, file));
  }

  /** Appends one row (one write system call); the segment it went to is told when the row is stored. */
  append(row: UsageRecord): SpoolSegment {
    const segment = (this.current ??= this.open());
    writeSync(segment.fd!, `${JSON.stringify(row)}\n`);
    segment.pending++;
    return segment;
  }

  /** Later rows go to a new file, so this one can be deleted as soon as the rows in it are stored. */
  rotate(): void {
    const segment = this.current;
    if (!segment) return;
    this.current = undefined;
    closeSync(segment.fd!);
    segment.fd = null;
    this.sealed.add(segment);
    this.dropIfDone(segment);
  }

  stored(segment: SpoolSegment): void {
    segment.pending--;
    this.dropIfDone(segment);
  }

  /** After the last flush: files whose rows are all stored are gone, the rest wait for the next start. */
  close(): void {
    this.rotate();
    try {
      unlinkSync(join(this.dir, OWNER));
    } catch {
      // already gone
    }
  }

  private dropIfDone(segment: SpoolSegment): void {
    if (segment.fd !== null || segment.pending > 0 || !this.sealed.delete(segment)) return;
    unlinkSync(join(this.dir, segment.name));
  }

  private open(): SpoolSegment {
    // Names sort in the order they were written: start time, then sequence.
    const name = `${Date.now().toString().padStart(15, '0')}-${process.pid}-${String(this.seq++).padStart(9, '0')}${SUFFIX}`;
    return { name, fd: openSync(join(this.dir, name), 'a'), pending: 0 };
  }
}

/** One live process per spool directory: two sharing one would replay and delete each other's files. */
function claim(dir: string): void {
  const path = join(dir, OWNER);
  const me = `${hostname()} ${process.pid}`;
  let owner: string | undefined;
  try {
    owner = readFileSync(path, 'utf8').trim();
  } catch {
    // nobody claimed it
  }
  if (owner && owner !== me) {
    const [host, pid] = owner.split(' ');
    if (host === hostname() && alive(Number(pid))) {
      throw new SpoolInUseError(`ledger spool ${dir} is in use by process ${pid}; give each instance its own LEDGER_SPOOL_DIR`);
    }
  }
  writeFileSync(path, me);
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
