package dev.campaigns.infra.codehost;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * What the web server itself refuses (a malformed request line, an unknown path, an exception) comes out as GitHub's
 * JSON error body, never an HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus() >= 400 ? response.getStatus() : 500;
        String message = status == 404 ? "Not Found" : HttpStatus.getMessage(status);
        byte[] body = GitHubJson.JSON.createObjectNode().put("message", message)
                .put("documentation_url", GitHubJson.DOCS).put("status", String.valueOf(status)).toString()
                .getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
