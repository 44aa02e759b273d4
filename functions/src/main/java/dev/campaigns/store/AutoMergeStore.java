package dev.campaigns.store;

import dev.campaigns.domain.MergeMethod;
import java.util.Optional;

/** A campaign's auto-merge setting (issue 16); {@link DynamoAutoMergeStore} in AWS. */
public interface AutoMergeStore {
    /** The merge method when auto-merge is on, else empty. */
    Optional<MergeMethod> method(String campaignId);

    /** Turns auto-merge on with {@code method}, or off with null. */
    void set(String campaignId, MergeMethod method);
}
