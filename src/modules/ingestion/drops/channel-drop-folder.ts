import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChannelAdapter } from '../../../adapters/channels/channel-port.js';
import { claimFile, DONE, FAILED, IN_PROGRESS, KEPT_FOLDERS, settleFile, stillGrowing } from '../../../platform/files/drop-folder.js';
import type { BatchItemReceipt, BatchReceipt } from '../channel-batch-ingestion.service.js';

const MAX_FILE_BYTES = 20 * 1024 * 1024;

export interface DropIntake {
  /** Whether the account may drop files (an enabled channel account). */
  accountEnabled(channel: ChannelAdapter, account: string): Promise<boolean>;
  /** The same intake as a batch request's, once authenticated. */
  keep(channel: ChannelAdapter, account: string, parsed: unknown, correlationId: string): Promise<BatchReceipt>;
}

export interface DropFileResult {
  readonly file: string;
  readonly status: 'DONE' | 'FAILED';
  readonly counts: BatchReceipt['counts'];
}

/**
 * One pass over a channel's drop folder: `<account>/<file>` (a store's folder). Each file is
 * claimed, read by the channel (`batches.fromFile`) into batches that go through the same intake
 * as a batch request (each item deduplicated on its key), then moved to done/ with a report of
 * every item's outcome, or to failed/ with why when it could not be read at all.
 */
export async function scanDropFolder(channel: ChannelAdapter, root: string, intake: DropIntake): Promise<DropFileResult[]> {
  const results: DropFileResult[] = [];
  const now = Date.now();
  for (const entry of await readdir(root, { withFileTypes: true }).catch(() => [])) {
    if (IN_PROGRESS.test(entry.name) || KEPT_FOLDERS.includes(entry.name)) continue;
    if (entry.isFile()) {
      if (await stillGrowing(join(root, entry.name), now)) continue;
      results.push(await take(channel, root, '', entry.name, intake, () => 'put the file in the folder of its account (the store id): <account>/<file>'));
      continue;
    }
    if (!entry.isDirectory()) continue;
    for (const file of await readdir(join(root, entry.name), { withFileTypes: true })) {
      if (!file.isFile() || IN_PROGRESS.test(file.name) || await stillGrowing(join(root, entry.name, file.name), now)) continue;
      results.push(await take(channel, root, entry.name, file.name, intake, () => null));
    }
  }
  return results.filter((r) => r.file !== '');
}

async function take(channel: ChannelAdapter, root: string, folder: string, name: string, intake: DropIntake, problem: () => string | null): Promise<DropFileResult> {
  const relative = join(folder, name);
  const claimed = await claimFile(root, folder, relative);
  const counts = { accepted: 0, duplicate: 0, rejected: 0, conflict: 0 };
  if (claimed === null) return { file: '', status: 'FAILED', counts };
  const startedAt = new Date().toISOString();
  const account = channel.normaliseAccount(folder);
  const correlationId = randomUUID();
  const fail = async (error: string): Promise<DropFileResult> => {
    await settleFile(root, FAILED, folder, name, claimed, { file: relative, account, startedAt, finishedAt: new Date().toISOString(), status: 'FAILED', error });
    return { file: relative, status: 'FAILED', counts };
  };
  try {
    const why = problem();
    if (why) return await fail(why);
    if (!(await intake.accountEnabled(channel, account))) return await fail(`no enabled ${channel.code} account ${account}`);
    const content = await readFile(claimed);
    if (content.length > MAX_FILE_BYTES) return await fail(`the file is larger than ${MAX_FILE_BYTES} bytes`);
    const read = channel.batches!.fromFile!({ name, content }, account);
    if (!read.ok) return await fail(read.reason);
    const items: BatchItemReceipt[] = [];
    const batchIds: string[] = [];
    for (const batch of read.batches) {
      const receipt = await intake.keep(channel, account, batch, correlationId);
      batchIds.push(receipt.batchId);
      items.push(...receipt.items);
      for (const [status, n] of Object.entries(receipt.counts)) counts[status as keyof typeof counts] += n;
    }
    await settleFile(root, DONE, folder, name, claimed, {
      file: relative, account, startedAt, finishedAt: new Date().toISOString(), status: 'DONE', correlationId, batches: batchIds, counts, items,
    });
    return { file: relative, status: 'DONE', counts };
  } catch (error) {
    return fail((error as Error).message);
  }
}
