package dev.campaigns.handlers;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The event of an AppSync direct Lambda resolver: the field's arguments, the caller's identity (IAM or Cognito
 * user pools), the parent object for a field of a type, and which field is being resolved.
 */
public record AppSyncEvent(JsonNode arguments, JsonNode identity, JsonNode source, Info info) {

    public record Info(String parentTypeName, String fieldName) {
    }

    /** "Mutation.createCampaign", "Campaign.changesets", ... */
    public String field() {
        return info == null ? "" : info.parentTypeName() + "." + info.fieldName();
    }

    /**
     * Who is calling: the Cognito user's {@code sub}, or the IAM principal's ARN. Every plan and campaign belongs
     * to its creator, and only its creator can read, use or retry it.
     */
    public String owner() {
        if (identity != null) {
            for (String field : new String[] {"sub", "userArn", "username"}) {
                JsonNode value = identity.get(field);
                if (value != null && value.isTextual() && !value.asText().isBlank()) {
                    return value.asText();
                }
            }
        }
        throw new UnauthorizedException();
    }

    public String text(String argument) {
        JsonNode v = arguments == null ? null : arguments.get(argument);
        return v == null || v.isNull() ? null : v.asText();
    }

    public Integer integer(String argument) {
        JsonNode v = arguments == null ? null : arguments.get(argument);
        return v == null || v.isNull() ? null : v.asInt();
    }

    /** The request carries no caller identity. */
    public static final class UnauthorizedException extends RuntimeException {
        public UnauthorizedException() {
            super("unauthorized: the request carries no caller identity");
        }
    }
}
