import { ModelFormatError } from '../../errors.js';
import { scoreInBatches } from '../../models/score-texts.js';
import type { LoadedModel } from '../../persist/model-dir.js';
import { buildLabelTree, decodeRoute, routedDepth, tierProbabilities, type LabelTree } from './label-tree.js';
import { curveAt, type CurvePoint } from './routing-report.js';
import type { RoutingSection } from './routing-section.js';

/** A ticket as people write it. */
export interface Ticket {
  title: string;
  body: string;
}

/** One tier of a routed ticket. The snake_case keys are the API's and `route --json`'s. */
export interface TierAnswer {
  tier: number;
  name: string;
  /** The node's own name (`7`), and its whole path (`4/2/7`). */
  label: string;
  path: string;
  /** P(the route down to this tier is right). */
  confidence: number;
  /** confidence ≥ threshold: the ticket is sent at least this deep. */
  confident: boolean;
}

export interface TicketRoute {
  /** The most probable consistent path, every tier a child of the one above. */
  path: string;
  tiers: TierAnswer[];
  /** The name of the deepest confident tier, or "person" when tier 1 is below the threshold. */
  routed_to: string;
  /** How many tiers deep the ticket is sent (0: to a person). */
  routed_depth: number;
  /** The path down to routed_depth; null when a person routes it. */
  routed_path: string | null;
}

export interface RouteBatch {
  threshold: number;
  routes: TicketRoute[];
  /** Coverage and precision the model's dev curve shows at this threshold (absent without dev data). */
  expected?: CurvePoint;
}

/** The manifest's routing section, or an error saying how to get a routing model. */
export function routingSectionOf(model: LoadedModel): RoutingSection {
  const r = model.manifest.routing;
  if (!r) throw new ModelFormatError(model.dir, 'not a routing model (its manifest has no routing section); train one from a recipe with a routing section, e.g. recipes/tickets-routing.yaml');
  return r;
}

/**
 * The text a ticket becomes, as the training reader built it from the same columns: the model's
 * text fields in order (title and body), empty ones left out, joined with newlines.
 */
export function ticketText(model: LoadedModel, ticket: Ticket): string {
  const fields = (model.manifest.reader as { textFields?: unknown }).textFields;
  const order = Array.isArray(fields) && fields.every((f) => f === 'title' || f === 'body') ? (fields as ('title' | 'body')[]) : (['title', 'body'] as const);
  return order
    .map((f) => ticket[f])
    .filter((v) => v.trim().length > 0)
    .join('\n');
}

/** Routes tickets (already joined into texts) with a routing model; `threshold` overrides the stored one. */
export async function routeTexts(model: LoadedModel, texts: readonly string[], threshold?: number): Promise<RouteBatch> {
  const section = routingSectionOf(model);
  const t = threshold ?? section.threshold;
  const tree = buildLabelTree(model.manifest.labels, section.separator);
  const K = tree.labels.length;
  const proba = await scoreInBatches(model.classifier, texts);
  const routes = texts.map((_, i) => routeOne(tree, section, proba, i * K, t));
  const expected = section.dev ? curveAt(section.dev.curve, t) : undefined;
  return { threshold: t, routes, ...(expected ? { expected } : {}) };
}

export async function routeTickets(model: LoadedModel, tickets: readonly Ticket[], threshold?: number): Promise<RouteBatch> {
  return routeTexts(model, tickets.map((ticket) => ticketText(model, ticket)), threshold);
}

function routeOne(tree: LabelTree, section: RoutingSection, proba: Float32Array, offset: number, threshold: number): TicketRoute {
  const steps = decodeRoute(tree, tierProbabilities(tree, proba, offset));
  const depth = routedDepth(steps, threshold);
  const name = (k: number): string => section.tier_names[k] ?? `tier ${k + 1}`;
  return {
    path: steps.length > 0 ? steps[steps.length - 1].path : '',
    tiers: steps.map((s) => ({ tier: s.tier + 1, name: name(s.tier), label: s.label, path: s.path, confidence: round(s.confidence), confident: s.confidence >= threshold })),
    routed_to: depth === 0 ? 'person' : name(depth - 1),
    routed_depth: depth,
    routed_path: depth === 0 ? null : steps[depth - 1].path,
  };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
