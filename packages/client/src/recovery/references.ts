/**
 * Which flow owns which transaction reference, for the flows this process saw end (delivered, unclaimed or
 * recovered). A recalled transaction whose reference another flow owns is that flow's, not a candidate's.
 * Bounded: the oldest entries go first (only recent references can be a terminal's last transaction).
 */
export class ReferenceBook {
  private readonly owners = new Map<string, { readonly flowId: string; readonly sentAt?: number }>();

  constructor(private readonly limit = 1_024) {}

  note(referenceNo: string, flowId: string, sentAt?: number): void {
    this.owners.delete(referenceNo);
    this.owners.set(referenceNo, sentAt === undefined ? { flowId } : { flowId, sentAt });
    if (this.owners.size > this.limit) {
      const oldest = this.owners.keys().next();
      if (!oldest.done) this.owners.delete(oldest.value);
    }
  }

  owner(referenceNo: string): { readonly flowId: string; readonly sentAt?: number } | undefined {
    return this.owners.get(referenceNo);
  }
}

/** `results[0].reference_no` of a final resource, when it has one. */
export function referenceOf(resource: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const results = resource?.results;
  const first: unknown = Array.isArray(results) ? results[0] : undefined;
  if (typeof first !== 'object' || first === null) return undefined;
  const ref = (first as Record<string, unknown>).reference_no;
  return typeof ref === 'string' ? ref : typeof ref === 'number' ? String(ref) : undefined;
}
