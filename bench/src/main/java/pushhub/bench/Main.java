package pushhub.bench;

import java.util.Arrays;

/** Entry point: {@code java -jar pushhub-bench.jar (ref|run|worker|report) [options]}. See bench/README.md. */
public final class Main {
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println(
                    "usage: java -jar pushhub-bench.jar ref|run|worker|outbox|report [options]  (see bench/README.md)");
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "ref":
                RefServer.main(rest);
                break;
            case "run":
                Bench.main(rest);
                break;
            case "worker":
                Worker.main(rest);
                break;
            case "outbox":
                OutboxBench.main(rest);
                break;
            case "report":
                Report.main(rest);
                break;
            default:
                System.err.println("unknown command " + args[0]);
                System.exit(2);
        }
    }
}
