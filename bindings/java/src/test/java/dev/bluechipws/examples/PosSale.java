package dev.bluechipws.examples;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bluechipws.bridge.BluechipException;
import dev.bluechipws.bridge.BusyException;
import dev.bluechipws.bridge.Json;
import dev.bluechipws.bridge.OutcomeUnknownException;
import dev.bluechipws.bridge.Terminal;
import dev.bluechipws.bridge.model.Outcome;
import dev.bluechipws.bridge.model.SaleParams;
import dev.bluechipws.bridge.model.TerminalOpenParams;
import dev.bluechipws.bridge.model.TerminalOpenParamsEndpointMode;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * A minimal POS sale through the Java binding, in the shape {@code bluechip certify --pos-command} runs:
 * one sale, then one JSON line on stdout and an exit code (0 approved, 2 declined, 3 cancelled or timed out
 * on the customer, 4 outcome unknown, 5 terminal busy, 6 partially approved, 1 anything else).
 *
 * <pre>
 * java -cp bluechip-bridge.jar:… dev.bluechipws.examples.PosSale --terminal ws://127.0.0.1:50000 \
 *     --amount 5.00 --order order-42 --journal /var/lib/pos/journal
 * </pre>
 *
 * The order id is the idempotency key and the journal directory outlives the process, so a retry of an order
 * whose outcome was unknown (a dropped link, a killed bridge) reconciles instead of charging twice.
 */
public final class PosSale {
  private static final Map<String, Integer> EXIT = Map.of(
      "approved", 0, "declined", 2, "not_found", 2, "cancelled", 3, "timed_out", 3, "partially_approved", 6);

  private PosSale() {}

  public static void main(String[] argv) {
    System.exit(run(argv));
  }

  static int run(String[] argv) {
    Map<String, String> args = parse(argv);
    String order = args.get("--order");
    ObjectNode report = Json.mapper().createObjectNode().put("order", order);
    int code = 1;
    TerminalOpenParams open = TerminalOpenParams.builder()
        .url(args.get("--terminal"))
        .journalDir(args.get("--journal"))
        .endpointMode("single".equals(args.get("--endpoint-mode")) ? TerminalOpenParamsEndpointMode.SINGLE
            : TerminalOpenParamsEndpointMode.MULTI)
        .build();
    try (Terminal terminal = Terminal.openStdio(open)) {
      Outcome outcome = terminal.sale(SaleParams.builder().amount(cents(args.get("--amount"))).idempotencyKey(order).build());
      String kind = outcome.kind().wire();
      report.put("outcome", kind).put("flowId", outcome.flowId());
      if (outcome.result() != null && outcome.result().totalAmount() != null) {
        report.put("amount", outcome.result().totalAmount());
      }
      code = EXIT.getOrDefault(kind, 1);
    } catch (BusyException e) {
      code = failed(report, "busy", e, 5);
    } catch (OutcomeUnknownException e) {
      code = failed(report, "unknown", e, 4);
    } catch (BluechipException e) {
      // Anything else that may have reached the terminal is unknown too: the retry with the same order reconciles.
      code = e.outcomeUnknown() ? failed(report, "unknown", e, 4) : failed(report, "error", e, 1);
    }
    System.out.println(report);
    return code;
  }

  private static int failed(ObjectNode report, String outcome, BluechipException e, int code) {
    report.put("outcome", outcome);
    report.putObject("error").put("code", e.dataCode()).put("message", e.getMessage());
    return code;
  }

  /** Exact decimal to integer cents; refuses a negative amount or more than two decimals (never a double). */
  static long cents(String amount) {
    BigDecimal value;
    try {
      value = new BigDecimal(amount);
    } catch (NumberFormatException | NullPointerException e) {
      throw usage("not an amount: " + amount);
    }
    if (value.signum() < 0 || value.stripTrailingZeros().scale() > 2) throw usage("not an amount in cents: " + amount);
    return value.movePointRight(2).longValueExact();
  }

  private static Map<String, String> parse(String[] argv) {
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      if (!argv[i].startsWith("--")) throw usage("unexpected argument: " + argv[i]);
      args.put(argv[i], argv[i + 1]);
    }
    if (argv.length % 2 != 0) throw usage("missing value after " + argv[argv.length - 1]);
    for (String required : new String[] {"--terminal", "--amount", "--order"}) {
      if (!args.containsKey(required)) throw usage("missing " + required);
    }
    return args;
  }

  private static IllegalArgumentException usage(String message) {
    return new IllegalArgumentException(message
        + " (usage: PosSale --terminal ws://host:port --amount 5.00 --order ID [--journal DIR] [--endpoint-mode multi|single])");
  }
}
