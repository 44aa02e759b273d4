package dev.campaigns.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.campaigns.codehost.CodeHostException;
import dev.campaigns.domain.Changeset;
import dev.campaigns.domain.ChangesetCheckState;
import dev.campaigns.domain.ChangesetReviewState;
import dev.campaigns.domain.ChangesetState;
import dev.campaigns.domain.MergeMethod;
import dev.campaigns.git.BotIdentity;
import dev.campaigns.git.RemoteCredentials;
import dev.campaigns.store.AutoMergeStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Auto-merge's rule and its use of the campaigns' settings, on an in-memory store and a recording host. */
class AutoMergeTest {
    final Map<String, MergeMethod> settings = new HashMap<>();
    final ChangesetOperationsTest.RecordingHost host = new ChangesetOperationsTest.RecordingHost();
    final AutoMerge autoMerge = new AutoMerge(new AutoMergeStore() {
        @Override
        public Optional<MergeMethod> method(String campaignId) {
            return Optional.ofNullable(settings.get(campaignId));
        }

        @Override
        public void set(String campaignId, MergeMethod method) {
            if (method == null) {
                settings.remove(campaignId);
            } else {
                settings.put(campaignId, method);
            }
        }
    }, (owner, campaignId) -> {
        if (!"alice".equals(owner)) {
            throw new NotFoundException("campaign", campaignId);
        }
    }, () -> new CodeHostAccess(host, new RemoteCredentials("t0ken"), new BotIdentity("bot", "bot@example.com")));

    static Changeset changeset(ChangesetState state, ChangesetReviewState review, ChangesetCheckState checks,
                               String... campaigns) {
        Instant t = Instant.parse("2026-12-04T08:00:00Z");
        return new Changeset("cs", "acme/r", "7", null, state, review, checks, "t", List.of(), "b", "main", "abc", t, t,
                null, Set.of(campaigns), t);
    }

    @Test
    void onlyAnOpenApprovedChangesetWithPassedChecksIsMergedWithItsCampaignsMethod() {
        autoMerge.set("alice", "c1", MergeMethod.SQUASH);
        assertFalse(autoMerge.consider(changeset(ChangesetState.OPEN, ChangesetReviewState.APPROVED, null, "c1")),
                "no checks: not merged by itself");
        assertFalse(autoMerge.consider(changeset(ChangesetState.OPEN, ChangesetReviewState.APPROVED,
                ChangesetCheckState.FAILED, "c1")));
        assertFalse(autoMerge.consider(changeset(ChangesetState.OPEN, ChangesetReviewState.PENDING,
                ChangesetCheckState.PASSED, "c1")));
        assertFalse(autoMerge.consider(changeset(ChangesetState.OPEN, ChangesetReviewState.APPROVED,
                ChangesetCheckState.PASSED, "c2")), "its campaign has auto-merge off");
        assertEquals(List.of(), host.writes);
        assertTrue(autoMerge.consider(changeset(ChangesetState.OPEN, ChangesetReviewState.APPROVED,
                ChangesetCheckState.PASSED, "c2", "c1")));
        assertEquals(List.of("merge acme/r#7 SQUASH"), host.writes);
    }

    @Test
    void aRefusalIsLeftForTheNextChangeAndATransientFailureRetriesTheDelivery() {
        autoMerge.set("alice", "c1", MergeMethod.MERGE);
        Changeset ready = changeset(ChangesetState.OPEN, ChangesetReviewState.APPROVED, ChangesetCheckState.PASSED,
                "c1");
        host.failNext = new CodeHostException(CodeHostException.Kind.VALIDATION, 405, "not mergeable", null, null);
        assertFalse(autoMerge.consider(ready));
        host.failNext = new CodeHostException(CodeHostException.Kind.SERVER_ERROR, 502, "bad gateway", null, null);
        assertThrows(CodeHostException.class, () -> autoMerge.consider(ready));
        assertTrue(autoMerge.consider(ready));
    }

    @Test
    void settingItNeedsTheCampaignsOwnerAndNullTurnsItOff() {
        assertThrows(NotFoundException.class, () -> autoMerge.set("mallory", "c1", MergeMethod.MERGE));
        assertEquals(Optional.empty(), autoMerge.method("alice", "c1"));
        autoMerge.set("alice", "c1", MergeMethod.REBASE);
        assertEquals(Optional.of(MergeMethod.REBASE), autoMerge.method("alice", "c1"));
        autoMerge.set("alice", "c1", null);
        assertEquals(Optional.empty(), autoMerge.method("alice", "c1"));
    }
}
