package dev.campaigns.infra.sfn;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies a SAM/CloudFormation {@code DefinitionSubstitutions} map to a definition: every {@code ${Name}} is
 * replaced by its value, so the {@code statemachine.asl.json} that is deployed can be created locally unchanged.
 */
public final class DefinitionSubstitutions {

    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z0-9_.:-]+)}");

    private DefinitionSubstitutions() {
    }

    /**
     * @throws IllegalArgumentException naming a placeholder that has no value
     */
    public static String apply(String definition, Map<String, String> substitutions) {
        Matcher m = VAR.matcher(definition);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = substitutions.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("No value for the definition substitution ${" + m.group(1) + "}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
