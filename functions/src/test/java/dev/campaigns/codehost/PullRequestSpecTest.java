package dev.campaigns.codehost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PullRequestSpecTest {

    @Test
    void normalisesNullsAndCopiesLists() {
        List<String> labels = new ArrayList<>(List.of("a"));
        PullRequestSpec spec = new PullRequestSpec("o/r", "head", "main", "t", null, false, labels, null);
        labels.add("b");
        assertEquals("", spec.body());
        assertEquals(List.of("a"), spec.labels());
        assertEquals(List.of(), spec.reviewers());
    }

    @Test
    void rejectsMalformedRepositoryAndSameBranches() {
        assertThrows(IllegalArgumentException.class,
                () -> new PullRequestSpec("just-a-name", "h", "main", "t", "", false, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new PullRequestSpec("o/r/x", "h", "main", "t", "", false, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new PullRequestSpec("o/r", "main", "main", "t", "", false, null, null));
        assertThrows(NullPointerException.class,
                () -> new PullRequestSpec("o/r", "h", "main", null, "", false, null, null));
    }
}
