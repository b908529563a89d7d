#!/usr/bin/env python3
"""PPO on crystal-rl's demo game (or your Crystal ROM), in one file, CleanRL-style.

    PYTHONPATH=build/python python3 examples/ppo_torch.py --total-steps 200000 --num-envs 8
    ... --monitor-port 8080     # watch environment 0 in a browser meanwhile

Observations are crystal-rl's spec (docs/python.md): a small CNN reads the grey screen history,
an MLP the visited-cells mask and the features, an embedding the map. Environments autoreset in
Gymnasium 1.x next-step mode: the step after an episode's end is a reset whose action does
nothing, so it is left out of the loss; truncated episodes are bootstrapped from their last
observation's value. Needs Debian's python3-torch.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from torch import nn

import crystal_rl


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--game", default="demo", choices=["demo", "crystal"])
    p.add_argument("--rom", default=None, help="your ROM (needed for --game crystal)")
    p.add_argument("--total-steps", type=int, default=200_000, help="environment steps in all")
    p.add_argument("--num-envs", type=int, default=8)
    p.add_argument("--num-steps", type=int, default=128, help="steps per environment per rollout")
    p.add_argument("--frames-per-action", type=int, default=24)
    p.add_argument("--max-episode-steps", type=int, default=2048)
    p.add_argument("--lr", type=float, default=2.5e-4)
    p.add_argument("--gamma", type=float, default=0.99)
    p.add_argument("--gae-lambda", type=float, default=0.95)
    p.add_argument("--update-epochs", type=int, default=4)
    p.add_argument("--minibatches", type=int, default=4)
    p.add_argument("--clip", type=float, default=0.1)
    p.add_argument("--ent-coef", type=float, default=0.01)
    p.add_argument("--vf-coef", type=float, default=0.5)
    p.add_argument("--max-grad-norm", type=float, default=0.5)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--torch-threads", type=int, default=1, help="leave the cores to the emulators")
    p.add_argument("--monitor-port", type=int, default=None, help="serve the dashboard here")
    return p.parse_args()


class Agent(nn.Module):
    def __init__(self, space, num_actions: int):
        super().__init__()
        frames = space["screen"].shape[0]
        self.screen = nn.Sequential(
            nn.Conv2d(frames, 16, 8, stride=4), nn.ReLU(),
            nn.Conv2d(16, 32, 4, stride=2), nn.ReLU(),
            nn.Flatten(),
        )
        with torch.no_grad():
            screen_out = self.screen(torch.zeros(1, *space["screen"].shape)).shape[1]
        visited = int(np.prod(space["visited"].shape))
        features = space["features"].shape[0]
        self.map = nn.Embedding(crystal_rl._core.map_slots, 8)
        self.body = nn.Sequential(nn.Linear(screen_out + visited + features + 8, 256), nn.ReLU())
        self.actor = nn.Linear(256, num_actions)
        self.critic = nn.Linear(256, 1)
        nn.init.orthogonal_(self.actor.weight, 0.01)
        nn.init.orthogonal_(self.critic.weight, 1.0)

    def hidden(self, obs):
        x = torch.cat([
            self.screen(obs["screen"].float() / 255.0),
            obs["visited"].flatten(1).float() / 255.0,
            obs["features"],
            self.map(obs["map"][:, 0]),
        ], dim=1)
        return self.body(x)

    def value(self, obs):
        return self.critic(self.hidden(obs)).squeeze(1)

    def act(self, obs, action=None):
        h = self.hidden(obs)
        dist = torch.distributions.Categorical(logits=self.actor(h))
        if action is None:
            action = dist.sample()
        return action, dist.log_prob(action), dist.entropy(), self.critic(h).squeeze(1)


def main():
    args = parse_args()
    torch.set_num_threads(args.torch_threads)
    torch.manual_seed(args.seed)
    envs = crystal_rl.VectorEnv(
        args.num_envs, game=args.game, rom=args.rom, frames_per_action=args.frames_per_action,
        hold_frames=min(8, args.frames_per_action),
        max_episode_steps=args.max_episode_steps,
    )
    monitor = crystal_rl.Monitor(port=args.monitor_port, env=envs) if args.monitor_port is not None else None
    if monitor:
        print(f"dashboard: {monitor.url}", flush=True)
    space = envs.single_observation_space
    agent = Agent(space, int(envs.single_action_space.n))
    optimizer = torch.optim.Adam(agent.parameters(), lr=args.lr, eps=1e-5)

    T, N = args.num_steps, args.num_envs
    obs_buf = {k: torch.zeros((T + 1, N, *s.shape), dtype=torch.from_numpy(np.zeros(0, s.dtype)).dtype)
               for k, s in space.spaces.items()}
    actions = torch.zeros((T, N), dtype=torch.long)
    logprobs, rewards, values = torch.zeros((T, N)), torch.zeros((T, N)), torch.zeros((T + 1, N))
    terminated, done = torch.zeros((T, N)), torch.zeros((T, N))
    valid = torch.ones((T, N))  # 0 for a reset step (next-step autoreset)

    obs, _ = envs.reset(seed=args.seed)
    prev_done = np.zeros(N, dtype=bool)
    batch = T * N
    updates = max(1, args.total_steps // batch)
    episode_returns = []
    start = time.time()
    for update in range(1, updates + 1):
        for t in range(T):
            for k in obs_buf:
                obs_buf[k][t].copy_(torch.from_numpy(obs[k]))
            valid[t] = torch.from_numpy((~prev_done).astype(np.float32))
            with torch.no_grad():
                action, logprob, _, value = agent.act({k: v[t] for k, v in obs_buf.items()})
            actions[t], logprobs[t], values[t] = action, logprob, value
            obs, reward, term, trunc, info = envs.step(action.numpy())
            rewards[t] = torch.from_numpy(reward.astype(np.float32))
            terminated[t] = torch.from_numpy(term.astype(np.float32))
            prev_done = term | trunc
            done[t] = torch.from_numpy(prev_done.astype(np.float32))
            episode_returns.extend(info["episode_return"][prev_done].tolist())
        for k in obs_buf:
            obs_buf[k][T].copy_(torch.from_numpy(obs[k]))
        with torch.no_grad():
            values[T] = agent.value({k: v[T] for k, v in obs_buf.items()})
            advantages = torch.zeros((T, N))
            last = torch.zeros(N)
            for t in reversed(range(T)):
                delta = rewards[t] + args.gamma * values[t + 1] * (1 - terminated[t]) - values[t]
                last = delta + args.gamma * args.gae_lambda * (1 - done[t]) * last
                advantages[t] = last
            returns = advantages + values[:T]

        flat = {k: v[:T].reshape(batch, *v.shape[2:]) for k, v in obs_buf.items()}
        b_actions, b_logprobs = actions.reshape(-1), logprobs.reshape(-1)
        b_adv, b_returns, b_valid = advantages.reshape(-1), returns.reshape(-1), valid.reshape(-1)
        minibatch = batch // args.minibatches
        for _ in range(args.update_epochs):
            order = torch.randperm(batch)
            for first in range(0, batch, minibatch):
                idx = order[first:first + minibatch]
                mask = b_valid[idx]
                count = mask.sum().clamp(min=1)
                _, newlogprob, entropy, newvalue = agent.act({k: v[idx] for k, v in flat.items()}, b_actions[idx])
                ratio = (newlogprob - b_logprobs[idx]).exp()
                adv = b_adv[idx]
                adv = (adv - adv.mean()) / (adv.std() + 1e-8)
                policy_loss = (torch.max(-adv * ratio, -adv * ratio.clamp(1 - args.clip, 1 + args.clip)) * mask).sum() / count
                value_loss = 0.5 * (((newvalue - b_returns[idx]) ** 2) * mask).sum() / count
                entropy_loss = (entropy * mask).sum() / count
                loss = policy_loss + args.vf_coef * value_loss - args.ent_coef * entropy_loss
                optimizer.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(agent.parameters(), args.max_grad_norm)
                optimizer.step()
                with torch.no_grad():
                    approx_kl = (((ratio - 1) - (newlogprob - b_logprobs[idx])) * mask).sum() / count
        steps = update * batch
        recent = np.mean(episode_returns[-20:]) if episode_returns else float("nan")
        print(f"update {update}/{updates} steps {steps} sps {steps / (time.time() - start):.0f} "
              f"policy_loss {policy_loss.item():.4f} value_loss {value_loss.item():.4f} "
              f"entropy {entropy_loss.item():.3f} approx_kl {approx_kl.item():.4f} "
              f"mean_reward {rewards.mean().item():.4f} episode_return {recent:.2f}", flush=True)
    if monitor:
        monitor.close()
    envs.close()
    print("done", flush=True)


if __name__ == "__main__":
    main()
