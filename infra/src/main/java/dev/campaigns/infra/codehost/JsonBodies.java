package dev.campaigns.infra.codehost;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;

/** Request bodies of the local GitLab and Bitbucket Server APIs, read one way. */
final class JsonBodies {
    private JsonBodies() {
    }

    /**
     * The request's JSON object; an empty body, or JSON that is not an object, reads as an empty object.
     *
     * @param notJson the host's own message (a 400) for a body that is not JSON
     */
    static JsonNode object(HttpServletRequest req, String notJson) throws IOException {
        byte[] bytes = req.getInputStream().readAllBytes();
        try {
            JsonNode n = bytes.length == 0 ? null : GitHubJson.JSON.readTree(bytes);
            return n == null || !n.isObject() ? GitHubJson.JSON.createObjectNode() : n;
        } catch (IOException e) {
            throw GitHubError.of(400, notJson);
        }
    }
}
