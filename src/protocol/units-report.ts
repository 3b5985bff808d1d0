// The unit snapshot the agent POSTs to `.../units` after manager changes
// (agent.md §3.5.3). Shared by agent and server; no behaviour.
import { z } from 'zod';

const unitStatusSchema = z.enum(['pending', 'started', 'completed', '']);

export const unitsReportSchema = z.object({
  units: z.array(z.object({ unit: z.string(), status: unitStatusSchema, is_ready: z.boolean() })),
  dependencies: z.array(
    z.object({
      unit: z.string(),
      depends_on: z.string(),
      required_status: unitStatusSchema,
      current_status: unitStatusSchema,
      is_satisfied: z.boolean(),
    }),
  ),
});
export type UnitsReport = z.infer<typeof unitsReportSchema>;
