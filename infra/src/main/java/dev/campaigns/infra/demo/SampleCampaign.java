package dev.campaigns.infra.demo;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sample campaign of the demo and the tests: services whose CI workflow uses old GitHub Actions, and the
 * patch that upgrades them (checkout v2 → v4, setup-java v1 → v4 with Java 17), as `git diff` prints it.
 */
public final class SampleCampaign {
    public static final String WORKFLOW_PATH = ".github/workflows/ci.yml";
    static final String WORKFLOW = """
            name: ci
            on: [push, pull_request]
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v2
                  - uses: actions/setup-java@v1
                    with:
                      java-version: 11
                  - run: ./mvnw -B verify
            """;
    static final String PATCH = """
            diff --git a/.github/workflows/ci.yml b/.github/workflows/ci.yml
            index 0000000..0000000 100644
            --- a/.github/workflows/ci.yml
            +++ b/.github/workflows/ci.yml
            @@ -4,8 +4,9 @@ jobs:
               build:
                 runs-on: ubuntu-latest
                 steps:
            -      - uses: actions/checkout@v2
            -      - uses: actions/setup-java@v1
            +      - uses: actions/checkout@v4
            +      - uses: actions/setup-java@v4
                     with:
            -          java-version: 11
            +          distribution: temurin
            +          java-version: 17
                   - run: ./mvnw -B verify
            """;

    private SampleCampaign() {
    }

    /** The name of the i-th sample repository. */
    public static String repository(int i) {
        return String.format("acme/service-%03d", i);
    }

    /** The files of the i-th sample repository. */
    public static Map<String, String> files(int i) {
        String name = String.format("service-%03d", i);
        Map<String, String> files = new LinkedHashMap<>();
        files.put("README.md", "# " + name + "\n\nService number " + i + " of the Acme fleet.\n");
        files.put(WORKFLOW_PATH, WORKFLOW);
        files.put("src/main/java/acme/Main.java", "package acme;\n\npublic class Main {\n"
                + "    public static void main(String[] args) {\n        System.out.println(\"" + name + "\");\n    }\n}\n");
        return files;
    }

    /** The upgrade patch (the same for every sample repository). */
    public static String patch() {
        return PATCH.replace("index 0000000..0000000 100644\n", "");
    }

    /**
     * A second version of the upgrade patch (another Java version): it applies where {@link #patch()} does, with
     * another result; a campaign updated from it gets a new commit (updateCampaign's tests and chaos run).
     */
    public static String secondPatch() {
        return patch().replace("+          java-version: 17", "+          java-version: 21");
    }

    /** A patch whose context does not match the sample files, so it does not apply. */
    public static String patchThatDoesNotApply() {
        return patch().replace("-      - uses: actions/checkout@v2", "-      - uses: actions/checkout@v1");
    }

    /** The workflow as the patch leaves it. */
    public static String upgradedWorkflow() {
        return WORKFLOW.replace("actions/checkout@v2", "actions/checkout@v4")
                .replace("actions/setup-java@v1", "actions/setup-java@v4")
                .replace("          java-version: 11\n", "          distribution: temurin\n          java-version: 17\n");
    }

    /** A patch of exactly {@code bytes} bytes (ASCII; at least a few hundred) that adds {@code path}: it
     * applies to any repository without that file (plan uploads of a given size). */
    public static String newFilePatch(String path, int bytes, String seed) {
        String header = "diff --git a/" + path + " b/" + path + "\nnew file mode 100644\n--- /dev/null\n+++ b/" + path
                + "\n";
        int full = Math.max(0, (bytes - header.length() - 40) / 100);
        while (true) {
            String hunk = "@@ -0,0 +1," + (full + 1) + " @@\n";
            int last = bytes - header.length() - hunk.length() - 100 * full;
            if (last >= 2 || full == 0) {
                StringBuilder p = new StringBuilder(bytes).append(header).append(hunk);
                for (int i = 0; i < full; i++) {
                    String line = "+" + seed + " line " + i + " ";
                    p.append(line).append("x".repeat(99 - line.length())).append('\n');
                }
                return p.append('+').append("y".repeat(Math.max(0, last - 2))).append('\n').toString();
            }
            full--;
        }
    }
}
