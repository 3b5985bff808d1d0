// The JSON error body the control plane answers with on 4xx/5xx
// (`{message, detail?, validations?}`, Coder's `codersdk.Response`). Clients
// read it only to put the server's words into their own errors; it holds no
// behaviour.
import { z } from 'zod';

export const apiErrorSchema = z.object({
  message: z.string(),
  detail: z.string().optional(),
  validations: z.array(z.object({ field: z.string(), detail: z.string() })).optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;
