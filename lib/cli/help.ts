// Help texts. Keep them in step with the option tables in lib/cli/commands/*.ts and main.ts.
import { DEFAULT_PART_SIZE, MAX_PART_SIZE, MAX_PARTS, MIN_PART_SIZE } from '../upload/plan.js';
import { DEFAULT_PARALLEL, MAX_PARALLEL } from '../upload/validate.js';
import { LONG_LINK_PARALLEL, LONG_ROUND_TRIP_MS } from '../upload/long-link.js';
import { sizeAsTyped } from './format.js';
import { DEFAULT_RUNS } from '../bench/plan.js';

const CONNECTION = `Connection:
  --endpoint URL        OSS endpoint, e.g. https://oss-cn-hangzhou.aliyuncs.com (else OSS_ENDPOINT)
  --region ID           region for V4 signing, e.g. cn-hangzhou (else OSS_REGION, else from the endpoint)
  --sign-version v1|v4  signature version (default: v4 when the region is known, else v1)

Retries (network errors, stalled connections, 5xx, 408 and throttling; other errors fail at once):
  --retry-for DURATION  keep retrying while no request succeeds for up to this long, e.g. 30s, 10m,
                        1h (default 10m; 0: fail at once). Any success restarts the clock, and
                        parts failing together share it. Then the upload fails, keeping its
                        checkpoint: the same command resumes it
  --retry-times N       also stop retrying a request after N retries (ossutil's flag: a count
                        cap on top of the time budget; default none)
  --stall-timeout DURATION  abandon a request whose connection takes no bytes, or gives no answer
                        after the last one, for this long, and retry it on a fresh connection
                        (default 60s; 0: never)
`;

const ENVIRONMENT = `Environment:
  OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET   credentials (never passed on the command line)
  OSS_SESSION_TOKEN                          STS security token, for temporary credentials
  OSS_ENDPOINT, OSS_REGION                   defaults for --endpoint and --region
`;

const EXIT_CODES = `Exit codes:
  0 success, 1 failure (the error and its OSS request id are printed; also what only trying
  finds: a missing file, an unwritable checkpoint directory), 2 usage error (anything wrong on
  the command line, found before any request: flags, oss:// URLs, bucket and key names, header
  and metadata values, the endpoint), 130 interrupted (Ctrl-C, or SIGTERM/SIGHUP: the upload
  stops cleanly and can be resumed)
`;

const MAIN = `oss-resumable: resumable multipart upload of large files to Alibaba Cloud OSS

Usage:
  oss-resumable upload <file> oss://<bucket>/<key> [options]   (or oss://<bucket>/<dir>/)
  oss-resumable uploads oss://<bucket>[/<prefix>] [--older-than 24h --abort]
  oss-resumable abort oss://<bucket>/<key> --upload-id <id>
  oss-resumable serve [options]      run the local mock OSS server
  oss-resumable demo [--size 256MiB] upload, interrupt and resume against the built-in mock server
  oss-resumable bench oss://<bucket>/<prefix>/ [options]   which part size and --parallel upload fastest
  oss-resumable bench --local        the same against the mock server over a long-link model
  oss-resumable bench compare A.json B.json
  oss-resumable --version
  oss-resumable <command> --help

${ENVIRONMENT}
Sizes: plain bytes or a number with KB/KiB, MB/MiB, GB/GiB, TB/TiB. Both spellings are
1024-based (OSS documents its "100 KB" part minimum as 102400 bytes).
Durations: a number with ms, s, m, h, d or w, e.g. 30m, 24h, 7d, 1h30m.

${EXIT_CODES}`;

const UPLOAD = `Usage: oss-resumable upload <file> oss://<bucket>/<key> [options]
       oss-resumable upload <file> oss://<bucket>/<dir>/     stores <dir>/<file's name>
       oss-resumable upload <file> oss://<bucket>            stores <file's name> at the root

Uploads <file> in parts, recording each finished part in a checkpoint file. A network outage
is ridden out (see Retries below; the progress line says what it waits for). If the upload is
interrupted (Ctrl-C, an outage longer than --retry-for, crash, kill -9), run the same command
again: it resumes from the checkpoint, checks the parts already on the server, and sends only
what is missing. A re-run without --part-size takes the checkpoint's; a different --part-size
starts over. Header and metadata values may be any text (sent as UTF-8), but no control characters.

Options:
  --part-size SIZE        bytes per part, e.g. 16MiB (${sizeAsTyped(MIN_PART_SIZE)} to ${sizeAsTyped(MAX_PART_SIZE)}; default ${sizeAsTyped(DEFAULT_PART_SIZE)},
                          grown for files that would need more than ${MAX_PARTS} parts)
  --parallel N            parts in flight at once (1 to ${MAX_PARALLEL}; default ${DEFAULT_PARALLEL}, ${LONG_LINK_PARALLEL} when the
                          first request takes ${LONG_ROUND_TRIP_MS} ms or more); each holds a connection and two
                          read windows of up to 1 MiB
  --max-memory SIZE       most the read windows may hold: 2 per part in flight and 1 for each of
                          the 4 parts hashed ahead (default 1GiB); an upload over it is refused
                          before it starts
  --checkpoint-dir DIR    where checkpoints live (default: $XDG_STATE_HOME/oss-resumable,
                          else ~/.local/state/oss-resumable; a file sent as one PUT needs none)
  --content-type TYPE     Content-Type of the object
  --meta NAME=VALUE       user metadata (x-oss-meta-NAME); repeatable
  --header NAME:VALUE     extra request header for the upload, e.g. x-oss-storage-class:IA; repeatable
  --callback URL          ask OSS to POST to URL after the upload completes
  --callback-body TEXT    the callback's body template
                          (default: bucket=\${bucket}&object=\${object}&etag=\${etag}&size=\${size})
  --callback-var x:NAME=VALUE   custom callback variable; repeatable
  --force-multipart       use multipart even for a file small enough for one PUT
  --local-crc64           also compute each part's CRC-64 here and check it against OSS's
                          (every part is always checked by Content-MD5, the object by CRC-64)
  --resume-check content|identity
                          what a resume proves before keeping a part already on the server:
                          content (default) re-reads it and compares its MD5 with the server's
                          ETag; identity keeps recorded parts unread while the file's size, mtime,
                          inode and ctime are unchanged (faster on slow disks)
  --abort-on-cancel       on Ctrl-C, abort the upload and delete the checkpoint instead of keeping them
  --json                  print one JSON object on stdout: bucket, key, etag, size, crc64, uploadId,
                          partsReused, bytesSent, seconds, sendSeconds, retries (and warning,
                          if any); on Ctrl-C: interrupted, aborted, resumeCommand, uploadId,
                          partsKept, checkpoint (progress still goes to stderr)
  --quiet                 no progress or notes; only errors (and the JSON with --json)
  -h, --help

${CONNECTION}
${ENVIRONMENT}
${EXIT_CODES}`;

const UPLOADS = `Usage: oss-resumable uploads oss://<bucket>[/<prefix>] [options]

Lists unfinished multipart uploads (key, upload id, initiated). Their parts take space until
they are completed or aborted, so clean up the ones nobody will resume.

Options:
  --older-than DURATION   only uploads initiated at least this long ago, e.g. 24h, 7d, 0s
  --abort                 abort the listed uploads (needs --older-than; --older-than 0s means all)
                          and delete their local checkpoints
  --checkpoint-dir DIR    where to look for those checkpoints (default as for upload)
  --json                  print one JSON object: {bucket, prefix, uploads: [...], aborted}
                          (with --abort also checkpointsRemoved)
  --quiet                 print nothing but errors
  -h, --help

${CONNECTION}
${ENVIRONMENT}
${EXIT_CODES}`;

const ABORT = `Usage: oss-resumable abort oss://<bucket>/<key> --upload-id <id>

Aborts one multipart upload and frees its parts, and deletes its local checkpoint (nothing can
resume it any more). The ids come from \`oss-resumable uploads\`.

Options:
  --upload-id ID          the upload to abort (required)
  --checkpoint-dir DIR    where to look for its checkpoint (default as for upload)
  --json                  print one JSON object: {bucket, key, uploadId, aborted, requestId,
                          checkpointsRemoved}
  --quiet                 print nothing but errors
  -h, --help

${CONNECTION}
${ENVIRONMENT}
${EXIT_CODES}`;

const DEMO = `Usage: oss-resumable demo [options]

Starts the mock OSS server in this process on a free loopback port, writes a sample file,
uploads it with a progress bar, cuts the network part-way (from about 40% on, the mock drops
every upload connection, retries included, until the upload gives up), resumes from the
checkpoint, then downloads the object and checks it is byte-identical (MD5 and CRC-64).
Temporary files and the mock's data are removed at the end.

Options:
  --size SIZE             sample file size (default 256MiB)
  --part-size SIZE        bytes per part (default 8MiB)
  --json                  print the report as one JSON object
  --quiet                 no progress or narration
  -h, --help

${EXIT_CODES}`;

const BENCH = `Usage: oss-resumable bench oss://<bucket>/<prefix>/ [options]
       oss-resumable bench --local [--latency-ms 75] [--bandwidth 48MiB] [options]
       oss-resumable bench compare A.json B.json [--json]

Measures how fast uploads go from this machine, and with which settings: every part size ×
parallel configuration uploads --size bytes through the same engine as \`upload\` (Content-MD5 on
every part, the object's CRC-64 checked), --runs times, the runs rotating through the
configurations so a drifting link weighs on all alike. A warm-up upload (not counted) comes first.
Then a table and the recommendation: the fastest configuration, and the one within 5% of it
that took the least memory, as the \`upload\` flags to use.

Per configuration: MiB/s (median, min and max over the runs), each part request's time to its
answer (p50/p90/p99) and the part of it from the last byte sent to the answer (the network's
round trip plus the server's work), Initiate and Complete times, retries and failed requests,
CPU seconds per GiB and peak RSS of this process.

Safety: every key is the bench's own, under <prefix>oss-resumable-bench-<run id>/; each object
is deleted (DeleteObject) as soon as it is measured unless --keep; a failed or interrupted upload
is aborted, and at the end any multipart upload left under that run prefix is aborted too.
Nothing else in the bucket is read or touched. Before it starts it says how much it will upload,
and for a real endpoint that requests, storage and (on some networks) traffic may be billed.

Options:
  --part-size LIST        part sizes to try, e.g. 8MiB,16MiB,32MiB (the default)
  --parallel LIST         parts in flight to try, e.g. 2,4,8,16 (the default)
  --runs N                uploads per configuration (default ${DEFAULT_RUNS}; at most 100)
  --size SIZE             bytes per upload (default: chosen after the warm-up so the whole
                          sweep takes about 3 minutes, at least 4 of the largest parts, at most 1GiB)
  --file PATH             upload this file (whole, every run) instead of generated data, to
                          include the disk; by default the data is generated in memory from a
                          seed, different for every upload (no disk read, no temp file)
  --keep                  keep the uploaded objects (they are stored, and billed, until you delete them)
  --json                  print exactly one JSON document on stdout (its schema is in the README);
                          progress and notes still go to stderr
  --csv FILE              write one row per request of the measured uploads: configuration,
                          partSize, parallel, run, api, partNumber, attempt, bytes, startMs,
                          lastByteSentMs, responseMs, endMs (ms since the bench started), status, error
  --quiet                 no progress or notes; the result (and warnings) only
  --local                 no endpoint needed: start the mock OSS server (its own process, discarding
                          what it verifies) behind a long-link model, and benchmark against it
  --latency-ms MS         with --local: the round trip added before every answer (default 75)
  --bandwidth SIZE        with --local: the link's rate, shared by all connections (default 48MiB)
  -h, --help

A connection waiting for its answer leaves the link to the others, so on a long link more
parts in flight (or larger parts) fill it: --local shows this without an account.

Exit codes: 0 done, 1 failure (an upload failed: the runs before it are still reported; or
something the bench uploaded could not be removed, named in a warning), 2 usage error,
130 interrupted (Ctrl-C or SIGTERM: the upload in flight is aborted, the results so far printed).

${CONNECTION}
${ENVIRONMENT}`;

const BENCH_COMPARE = `Usage: oss-resumable bench compare A.json B.json [--json]

Sets two \`bench --json\` results side by side, configuration by configuration (matched on part
size and parallel): MiB/s, part latency p50 and p99, CPU s/GiB and peak RSS, each as A → B with
B's change in percent, and both recommendations. A configuration in only one file is listed as such.

Options:
  --json                  print the comparison as one JSON object
  -h, --help

Exit codes: 0 done, 1 a file cannot be read or is not bench output, 2 usage error.
`;

export const HELP = {
  main: MAIN,
  upload: UPLOAD,
  uploads: UPLOADS,
  abort: ABORT,
  demo: DEMO,
  bench: BENCH,
  benchCompare: BENCH_COMPARE,
} as const;
