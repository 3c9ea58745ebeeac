package io.skillmix.cli;

import io.skillmix.UserError;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code skillmix}: the one entry point. Subcommands hang below it. */
@Command(
    name = "skillmix",
    mixinStandardHelpOptions = true,
    version = "skillmix 0.1.0",
    description = "Fine-tune a language model on a mixture of instruction datasets.",
    subcommands = {
      TrainCommand.class,
      ModelCommand.class,
      TokenizeCommand.class,
      DataCommand.class,
      EvalCommand.class,
      CompareCommand.class,
      ResultsCommand.class,
      MergeCommand.class,
      NodeCommand.class,
      GenerateCommand.class,
      ChatCommand.class,
      DashboardCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  /** Exit code for a mistake the user can fix (bad file, key, value). */
  public static final int USER_ERROR = 2;

  @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces for errors.")
  boolean debug;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        new CommandLine(this), "a subcommand is needed: train, model, tokenize, data, eval, compare, results, merge, node, generate, chat, dashboard (see --help)");
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns its exit code; tests call this instead of {@link #main}. */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  public static CommandLine commandLine() {
    Main main = new Main();
    CommandLine cl = new CommandLine(main);
    cl.setExecutionExceptionHandler((e, line, parseResult) -> {
      boolean debug = parseResult.hasMatchedOption("--debug") || anySubcommandDebug(parseResult);
      PrintWriter err = line.getErr();
      UserError userError = userError(e);
      if (userError != null && !debug) {
        err.println("skillmix: " + io.skillmix.config.Secrets.mask(userError.getMessage()));
        err.flush();
        return USER_ERROR;
      }
      io.skillmix.run.RunFailure failure = runFailure(e);
      if (failure != null && !debug) {
        err.println("skillmix: " + io.skillmix.config.Secrets.mask(failure.getMessage()));
        err.flush();
        return 1;
      }
      if (!debug && io.skillmix.learn.EngineFaults.userFacing(e)) {
        // A file that cannot be written (a full disk), a failed checkpoint: the message says what and where.
        err.println("skillmix: " + io.skillmix.config.Secrets.mask(e.getMessage()));
        err.flush();
        return 1;
      }
      if (debug) {
        e.printStackTrace(err);
      } else {
        err.println("skillmix: internal error: " + io.skillmix.config.Secrets.mask(String.valueOf(e)) + " (run with --debug for the stack trace)");
      }
      err.flush();
      return userError != null ? USER_ERROR : 1;
    });
    cl.setParameterExceptionHandler((e, params) -> {
      PrintWriter err = e.getCommandLine().getErr();
      err.println("skillmix: " + e.getMessage());
      err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
      err.flush();
      return USER_ERROR;
    });
    return cl;
  }

  private static boolean anySubcommandDebug(CommandLine.ParseResult result) {
    for (CommandLine.ParseResult r = result; r != null; r = r.subcommand()) {
      if (r.hasMatchedOption("--debug")) {
        return true;
      }
    }
    return false;
  }

  private static io.skillmix.run.RunFailure runFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof io.skillmix.run.RunFailure f) {
        return f;
      }
    }
    return null;
  }

  private static UserError userError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UserError u) {
        return u;
      }
    }
    return null;
  }
}
