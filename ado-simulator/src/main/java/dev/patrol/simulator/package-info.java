/**
 * An Azure DevOps simulator: a real HTTP server speaking the documented audit log, Graph users and tokenadmin
 * endpoints over a seeded, generated organization, plus a Microsoft Entra token endpoint, with ground truth for
 * tests, faults on demand, rate-limit headers (optionally enforced) and scale knobs for benchmarks.
 *
 * <p>Public API: {@link dev.patrol.simulator.AdoSimulator}, {@link dev.patrol.simulator.SimulatorConfig} with
 * {@link dev.patrol.simulator.RateLimit} and {@link dev.patrol.simulator.EntraApp},
 * {@link dev.patrol.simulator.SimulatedOrg} and its records, {@link dev.patrol.simulator.Faults},
 * {@link dev.patrol.simulator.EntraTokens} and {@link dev.patrol.simulator.Main}. Everything else is package-private. The module deliberately does not depend on
 * PATrol's model: it writes ADO's JSON by the documented field names itself, so a field-name mistake in the client
 * cannot hide behind a class both sides share.
 */
package dev.patrol.simulator;
