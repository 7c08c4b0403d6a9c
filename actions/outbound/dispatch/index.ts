/**
 * outbound/dispatch: Commerce events in (an I/O Events registration delivers them here),
 * each sent to the outbound webhook targets of OUTBOUND_TARGETS that want it, signed with
 * Standard Webhooks; temporary targets stop at their end date (src/outbound).
 */
import { createOutboundDispatcher } from '../../../src/outbound';

export const main = createOutboundDispatcher();
