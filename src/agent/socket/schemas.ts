// zod schemas for the agent socket's JSON (spec agent.md §4.2), each pinned to
// its plain type in protocol.ts so the two can never drift. The server
// validates request bodies with them and tests validate responses; the CLI
// must never import this file (zod alone costs ~75 ms of startup).
import { z } from 'zod';
import type {
  ChangeEvent,
  ErrorResponse,
  ListResponse,
  ReadyResponse,
  StatusResponse,
  UnitRequest,
  WantRequest,
  WireDependency,
  WireUnit,
  WireUnitStatus,
} from './protocol.js';

export const wireUnitStatusSchema: z.ZodType<WireUnitStatus> = z.enum(['pending', 'started', 'completed', '']);

export const unitRequestSchema: z.ZodType<UnitRequest> = z.object({ unit: z.string() });

export const wantRequestSchema: z.ZodType<WantRequest> = z.object({ unit: z.string(), depends_on: z.string() });

export const readyResponseSchema: z.ZodType<ReadyResponse> = z.strictObject({ ready: z.boolean() });

export const wireDependencySchema: z.ZodType<WireDependency> = z.strictObject({
  unit: z.string(),
  depends_on: z.string(),
  required_status: wireUnitStatusSchema,
  current_status: wireUnitStatusSchema,
  is_satisfied: z.boolean(),
});

export const statusResponseSchema: z.ZodType<StatusResponse> = z.strictObject({
  unit: z.string(),
  status: wireUnitStatusSchema,
  is_ready: z.boolean(),
  dependencies: z.array(wireDependencySchema),
});

export const wireUnitSchema: z.ZodType<WireUnit> = z.strictObject({
  unit: z.string(),
  status: wireUnitStatusSchema,
  is_ready: z.boolean(),
});

export const listResponseSchema: z.ZodType<ListResponse> = z.strictObject({ units: z.array(wireUnitSchema) });

export const errorResponseSchema: z.ZodType<ErrorResponse> = z.strictObject({ error: z.string() });

export const changeEventSchema: z.ZodType<ChangeEvent> = z.strictObject({ seq: z.number().int().nonnegative() });

/** `<path>: <message>` per issue, joined by `; ` — the detail of `invalid request body: <detail>`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
