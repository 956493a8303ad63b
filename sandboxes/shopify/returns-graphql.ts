/**
 * The Shopify sandbox's Admin GraphQL for reverse logistics: `return(id:)`,
 * `reverseFulfillmentOrder(id:)` and `reverseDelivery(id:)`, answered from objects a test or
 * the demo seeds in the shape Shopify returns them (POST /_sandbox/returns-graph
 * { objects: { "<gid>": {…} } }). Not a GraphQL engine: the operation is recognised by its root
 * field and answered with the whole stored object; an unknown id is null, as Shopify answers it;
 * anything else is a GraphQL error in Shopify's form.
 */
type Json = Record<string, unknown>;

const ROOTS = ['return', 'reverseFulfillmentOrder', 'reverseDelivery'] as const;

export class ReturnsGraph {
  private readonly objects = new Map<string, Json>();
  readonly reads: Record<string, number> = {};

  reset(): void {
    this.objects.clear();
    for (const key of Object.keys(this.reads)) delete this.reads[key];
  }

  seed(body: unknown): { status: number; body: unknown } {
    const objects = typeof body === 'object' && body !== null ? (body as Json).objects : undefined;
    if (typeof objects !== 'object' || objects === null) return { status: 400, body: { error: 'objects: { "<gid>": object } is required' } };
    for (const [gid, object] of Object.entries(objects as Json)) {
      if (!gid.startsWith('gid://shopify/') || typeof object !== 'object' || object === null) return { status: 400, body: { error: `${gid}: not a gid with an object` } };
      this.objects.set(gid, object as Json);
    }
    return { status: 200, body: { stored: this.objects.size } };
  }

  /** One POST graphql.json body; the answer body (always 200 for GraphQL errors, as Shopify does). */
  answer(body: unknown): Json {
    const request = typeof body === 'object' && body !== null ? (body as Json) : {};
    const query = typeof request.query === 'string' ? request.query : '';
    const id = typeof (request.variables as Json | undefined)?.id === 'string' ? ((request.variables as Json).id as string) : null;
    const root = ROOTS.find((r) => new RegExp(`\\{\\s*${r}\\(id:\\s*\\$id\\)`).test(query));
    if (!root) return { errors: [{ message: 'the sandbox answers return(id:), reverseFulfillmentOrder(id:) and reverseDelivery(id:) only', extensions: { code: 'UNSUPPORTED' } }] };
    if (!id) return { errors: [{ message: 'Variable $id of type ID! was provided invalid value', extensions: { code: 'INVALID_VARIABLE' } }] };
    this.reads[root] = (this.reads[root] ?? 0) + 1;
    return { data: { [root]: this.objects.get(id) ?? null }, extensions: { cost: { requestedQueryCost: 12, actualQueryCost: 6 } } };
  }
}
