-- The triage queue at the scale of a national service: its filters and the counts at the top of
-- the page each read a small range of one index, never the whole queue.

-- "Overdue" and "due today": referrals waiting for triage by deadline alone, whatever their urgency.
CREATE INDEX referrals_triage_due ON referrals (tenant_id, due_at) WHERE state = 'received';

-- The queue of one area, in queue order.
CREATE INDEX referrals_triage_area ON referrals (tenant_id, area_id, urgency_rank, due_at, id) WHERE state = 'received';

-- "Needs a match check": the few referrals whose person a triage worker has still to confirm, in
-- queue order. Without it, finding them means reading past every referral already matched.
CREATE INDEX referrals_triage_match ON referrals (tenant_id, urgency_rank, due_at, id)
  WHERE state = 'received' AND match_status = 'needs_review';
