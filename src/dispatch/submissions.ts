import type { BridgeErrorData, SubmissionProgress } from '../bridge/protocol';

/**
 * A dispatch's, redispatch's or saved dispatch's submission while it is sent:
 * what its progress notification says (the phase and its counts, how far along),
 * what a cancel ended with, and the submissions under way (the notification's
 * text and its Cancel, as data: tests read and press them through the API). No
 * `vscode` here; commands/dispatch.ts shows them.
 */

/** How far along each phase starts (percent); uploading fills the span up to `starting`. */
const PHASE_START: Readonly<Record<SubmissionProgress['phase'], number>> = {
  waiting: 0,
  building: 0,
  serializing: 5,
  registering: 20,
  uploading: 25,
  starting: 95,
  deleting: 95,
};

const count = (value: number) => value.toLocaleString('en-US');

function tasks(report: SubmissionProgress): string {
  return typeof report.tasks === 'number' ? ` ${count(report.tasks)} task${report.tasks === 1 ? '' : 's'}` : '';
}

/** The notification's message for one report, and how far along the submission is (0–100). */
export function describeProgress(report: SubmissionProgress): { readonly message: string; readonly percent: number } {
  const start = PHASE_START[report.phase] ?? 0;
  switch (report.phase) {
    case 'waiting':
      // Covalent redispatches a finished dispatch only; its SDK waits for it.
      return { message: `waiting for dispatch ${report.dispatchId ?? ''} to finish (${report.status ?? 'running'})…`, percent: start };
    case 'building':
      return { message: 'building the graph…', percent: start };
    case 'serializing':
      return { message: `serializing${tasks(report)}…`, percent: start };
    case 'registering':
      return { message: `registering${tasks(report)}…`, percent: start };
    case 'uploading': {
      const total = report.total ?? 0;
      const done = Math.min(report.done ?? 0, total);
      const share = total > 0 ? done / total : 1;
      return { message: `uploading assets: ${count(done)} of ${count(total)}`, percent: start + share * (PHASE_START.starting - start) };
    }
    case 'starting':
      return { message: 'starting…', percent: start };
    case 'deleting':
      return { message: 'cancelled: deleting what was registered…', percent: start };
    default:
      return { message: `${String((report as { phase?: unknown }).phase)}…`, percent: 0 };
  }
}

/** Turns "how far along" into the increments a progress bar takes: never backwards, never past 100. */
export class ProgressIncrements {
  private shown = 0;

  /** The increment that brings the bar to `percent` (0 when it is there already). */
  to(percent: number): number {
    const target = Math.min(Math.max(percent, 0), 100);
    const increment = target > this.shown ? target - this.shown : 0;
    this.shown += increment;
    return increment;
  }
}

/** What a cancelled submission left on the server, in words. */
export function cancelledOutcome(what: string, data: Partial<BridgeErrorData>): { readonly message: string; readonly leftOnServer: boolean } {
  if (data.dispatchId && data.leftOnServer) {
    const why = data.error ? ` (${data.error})` : '';
    return {
      message: `${what} cancelled, but dispatch ${data.dispatchId} could not be deleted from the server${why}: delete it in the Covalent UI.`,
      leftOnServer: true,
    };
  }
  return { message: `${what} cancelled; nothing was left on the server.`, leftOnServer: false };
}

/** A submission under way, as its notification shows it. */
export interface Submission {
  /** The notification's title (`Dispatching flat…`). */
  readonly title: string;
  /** Every report so far, oldest first. */
  readonly reports: readonly SubmissionProgress[];
  /** What its Cancel does. */
  cancel(): void;
}

/** The submission's side: it reports, and ends. */
export interface SubmissionHandle {
  report(report: SubmissionProgress): void;
  end(): void;
}

/** The submissions under way, newest last. */
export class Submissions {
  private readonly running: { title: string; reports: SubmissionProgress[]; cancel(): void }[] = [];

  begin(title: string, cancel: () => void): SubmissionHandle {
    const entry = { title, reports: [] as SubmissionProgress[], cancel };
    this.running.push(entry);
    return {
      report: (report) => void entry.reports.push(report),
      end: () => {
        const index = this.running.indexOf(entry);
        if (index >= 0) this.running.splice(index, 1);
      },
    };
  }

  active(): readonly Submission[] {
    return [...this.running];
  }
}
