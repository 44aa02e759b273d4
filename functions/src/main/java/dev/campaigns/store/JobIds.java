package dev.campaigns.store;

/** Job IDs are positions in the plan, zero-padded so that keys sort in plan order. */
public final class JobIds {
    private JobIds() {
    }

    public static String of(int position) {
        return String.format("%06d", position);
    }

    public static int position(String jobId) {
        return Integer.parseInt(jobId);
    }
}
