package dev.campaigns.store;

/**
 * Job IDs. A campaign plan's job ID is its position in the plan, zero-padded so that keys sort in plan order. A
 * campaign's changeset job is identified by its plan job's ID and the campaign's generation (issue 16: each
 * {@code updateCampaign} starts a new generation of changeset jobs from the new plan): generation 1 uses the plan
 * job's ID itself, generation {@code g > 1} the prefix {@code G{g}#}, so that one generation's jobs sort together
 * and in plan order.
 */
public final class JobIds {
    private JobIds() {
    }

    public static String of(int position) {
        return String.format("%06d", position);
    }

    /** The changeset job ID of plan job {@code planJobId} in the campaign's {@code generation}. */
    public static String changesetJob(int generation, String planJobId) {
        if (generation < 1) {
            throw new IllegalArgumentException("generation " + generation);
        }
        return generation == 1 ? planJobId : String.format("G%04d#", generation) + planJobId;
    }

    /** The changeset job ID of position {@code position} in {@code generation}. */
    public static String changesetJob(int generation, int position) {
        return changesetJob(generation, of(position));
    }

    /** The generation of a changeset job ID (1 for a plan job's ID). */
    public static int generation(String jobId) {
        return jobId.startsWith("G") ? Integer.parseInt(jobId.substring(1, jobId.indexOf('#'))) : 1;
    }

    /** The plan job ID a changeset job ID stands for (the ID itself for a plan job's ID). */
    public static String planJobId(String jobId) {
        return jobId.startsWith("G") ? jobId.substring(jobId.indexOf('#') + 1) : jobId;
    }

    /** The plan position of a plan job's or changeset job's ID. */
    public static int position(String jobId) {
        return Integer.parseInt(planJobId(jobId));
    }
}
