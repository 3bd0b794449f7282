package io.pushhub.it.embedded;

import io.pushhub.PushResult;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The application's own endpoint, beside pushhub's /ws and /api: {@code POST /orders?buyer=..&item=..}. */
@WebServlet("/orders")
public class ShopServlet extends HttpServlet {

    @Inject
    ShopOrders orders;

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("application/json");
        try {
            PushResult r = orders.place(
                    req.getParameter("buyer"),
                    req.getParameter("item"),
                    Boolean.parseBoolean(req.getParameter("paymentFails")));
            resp.getWriter()
                    .write(Json.createObjectBuilder()
                            .add("messageId", r.messageId())
                            .add("deferred", r.deferred())
                            .build()
                            .toString());
        } catch (RuntimeException e) {
            resp.setStatus(409);
            resp.getWriter()
                    .write(Json.createObjectBuilder()
                            .add("error", String.valueOf(e))
                            .build()
                            .toString());
        }
    }
}
