package io.pushhub.it.sample;

import io.pushhub.PushResult;
import io.pushhub.ScheduledPush;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The test's way to call the transactional sample beans: {@code POST /sample/tx?op=...&topic=...}. Answers 200 with
 * what the bean returned, or 500 with the messages of the exception's causes (the transaction rolled back).
 */
@WebServlet("/sample/tx")
public class TxSampleServlet extends HttpServlet {

    @Inject
    TxOrdersSample orders;

    @Inject
    TxCdiSample cdi;

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String op = req.getParameter("op");
        String topic = req.getParameter("topic");
        String text = req.getParameter("text");
        long hold = Long.parseLong(param(req, "hold", "0"));
        boolean fail = Boolean.parseBoolean(req.getParameter("fail"));
        JsonObjectBuilder out = Json.createObjectBuilder();
        try {
            switch (op) {
                case "ejb" -> result(out, orders.placeOrder(topic, text, hold, fail));
                case "cdi" -> result(out, cdi.placeOrder(topic, text, hold, fail));
                case "nested" -> orders.innerCommitsOuterFails(topic);
                case "many" -> out.add("pushed", orders.pushMany(topic, Integer.parseInt(param(req, "n", "1"))));
                case "schedule" -> {
                    ScheduledPush p = orders.scheduleNow(topic, text, hold, fail);
                    out.add("scheduledId", p.id()).add("messageId", p.messageId());
                }
                case "timer" -> orders.startTimer(topic);
                default -> throw new IllegalArgumentException("unknown op " + op);
            }
            resp.setStatus(200);
        } catch (RuntimeException e) {
            StringBuilder causes = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                causes.append(t.getClass().getName())
                        .append(": ")
                        .append(t.getMessage())
                        .append('\n');
            }
            out.add("error", causes.toString());
            resp.setStatus(500);
        }
        resp.setContentType("application/json");
        resp.getWriter().write(out.build().toString());
    }

    private static void result(JsonObjectBuilder out, PushResult r) {
        out.add("messageId", r.messageId()).add("reached", r.reached()).add("deferred", r.deferred());
    }

    private static String param(HttpServletRequest req, String name, String otherwise) {
        String v = req.getParameter(name);
        return v == null ? otherwise : v;
    }
}
