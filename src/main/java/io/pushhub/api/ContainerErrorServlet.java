package io.pushhub.api;

import io.pushhub.problem.ApiError;
import io.pushhub.protocol.TopicName;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The JSON error body for requests the servlet container refuses before JAX-RS sees them, mapped in {@code web.xml}
 * as the error page for 400. Open Liberty refuses a path with an encoded {@code /} ({@code %2F}) or {@code \}
 * ({@code %5C}) in {@code RequestUtils.verifyEncodedCharacter}, called by {@code WebAppFilterManager.invokeFilters}
 * before any filter of the application runs; it then answers 400 through the application's error pages. Without this
 * servlet that 400 was Liberty's HTML page with a stack trace. (Payara accepts {@code %2F} and decodes it, so {@code
 * /api/topics/a%2Fb/history} there reads topic {@code a/b}.)
 *
 * <p>Not reachable from any application: Liberty refuses {@code %00} and broken %-escapes in {@code
 * WebContainer.handleRequest} while decoding the URI, before it chooses an application ({@code
 * sendBadRequestResponse}: its own body, JSON {@code {"error_message":...}} when the request accepts JSON); Payara
 * refuses {@code %00} and {@code %5C} with an empty 400 "Invalid URI" at the same stage.
 */
@WebServlet(urlPatterns = ContainerErrorServlet.PATH)
public class ContainerErrorServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String PATH = "/pushhub-container-error";

    /** Whether the container's reason is its check of encoded characters (Liberty: CWWWC0005I). */
    private static boolean mentionsEncoding(HttpServletRequest req) {
        Object e = req.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        Object m = req.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        String text = (e instanceof Throwable t ? String.valueOf(t.getMessage()) + t.getCause() : "") + m;
        return text.contains("CWWWC0005I")
                || text.toLowerCase(java.util.Locale.ROOT).contains("encoded");
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        Object statusAttr = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = statusAttr instanceof Integer i && i >= 400 && i < 600 ? i : 400;
        Object uriAttr = req.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String uri = uriAttr instanceof String s ? s : req.getRequestURI();
        String message;
        if (status == 400 && mentionsEncoding(req)) {
            message = "the request path " + TopicName.printable(uri == null ? "" : uri) + " has an encoded '/' (%2F) "
                    + "or '\\' (%5C), which this server refuses in paths; a topic name or id containing them cannot be "
                    + "used in a URL path here";
        } else {
            message = "the server refused the request before the API saw it (HTTP " + status + ")";
        }
        String code = status == 400 ? "bad_request" : "http_" + status;
        new ApiError(status, code, message, null).writeTo(res);
    }
}
