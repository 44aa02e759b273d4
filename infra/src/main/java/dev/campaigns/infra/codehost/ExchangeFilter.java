package dev.campaigns.infra.codehost;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * Shows each API request and its answer to the host's exchange listeners (the contract test), copying the body as it
 * is written. With no listener it only passes the request on.
 */
final class ExchangeFilter implements Filter {

    private final List<Consumer<LocalCodeHost.Exchange>> listeners;
    private final Routes<?> routes;

    private final String prefix;

    ExchangeFilter(List<Consumer<LocalCodeHost.Exchange>> listeners, Routes<?> routes, String prefix) {
        this.prefix = prefix;
        this.listeners = listeners;
        this.routes = routes;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (listeners.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        HttpServletRequest req = (HttpServletRequest) request;
        Copying copy = new Copying((HttpServletResponse) response);
        chain.doFilter(request, copy);
        String path = req.getRequestURI().substring(Math.min(req.getRequestURI().length(), prefix.length()));
        String route = routes.match(req.getMethod(), path.isEmpty() ? "/" : path)
                .map(m -> m.route().template()).orElse(null);
        LocalCodeHost.Exchange exchange = new LocalCodeHost.Exchange(req.getMethod(), req.getRequestURI(), route,
                req.getQueryString(), copy.getStatus(), copy.getContentType(),
                copy.copy.toString(StandardCharsets.UTF_8));
        listeners.forEach(l -> l.accept(exchange));
    }

    /** A response whose body is also copied. */
    private static final class Copying extends HttpServletResponseWrapper {
        final ByteArrayOutputStream copy = new ByteArrayOutputStream();
        private ServletOutputStream out;

        Copying(HttpServletResponse response) {
            super(response);
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            if (out == null) {
                ServletOutputStream real = super.getOutputStream();
                out = new ServletOutputStream() {
                    @Override
                    public boolean isReady() {
                        return real.isReady();
                    }

                    @Override
                    public void setWriteListener(WriteListener listener) {
                        real.setWriteListener(listener);
                    }

                    @Override
                    public void write(int b) throws IOException {
                        copy.write(b);
                        real.write(b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        copy.write(b, off, len);
                        real.write(b, off, len);
                    }
                };
            }
            return out;
        }
    }
}
