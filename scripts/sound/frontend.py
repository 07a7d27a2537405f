"""The sound classifier's front end in numpy: the same log-mel frames as the
daemon's AudioFeatureExtractor (Sources/PresenceDSP/AudioFeatureExtractor.swift)
computes, so that a model trained here sees at run time what it saw in training.

16 kHz mono; 512-sample (32 ms) periodic Hann windows, hop 256 (16 ms); power
spectrum |FFT|^2 of the windowed samples scaled to +-1; 32 triangular mel
bands from 60 to 7600 Hz (MelFilterbank); 10*log10(energy + 1e-12) dB.
A patch is PATCH_FRAMES consecutive frames, made relative to its loudest
value and clipped at FLOOR_DB below it: the model sees the sound's shape in
time and frequency, not how loud the room or the microphone gain is.
scripts/sound/check_frontend.py compares this with the Swift front end.
"""
import numpy as np

RATE = 16000
WINDOW = 512
HOP = 256
BANDS = 32
PATCH_FRAMES = 64  # 1.02 s
FLOOR_DB = -60.0


def mel_filterbank(bands=BANDS, size=WINDOW, rate=RATE, low=60.0, high=7600.0):
    """bands x (size/2+1) weights, as MelFilterbank builds them (a band narrower than a bin takes its
    nearest bin whole)."""
    def mel(hz):
        return 2595 * np.log10(1 + hz / 700)

    def hz(m):
        return 700 * (10 ** (m / 2595) - 1)

    top = min(high, rate / 2 - 1)
    edges = [hz(mel(low) + (mel(top) - mel(low)) * i / (bands + 1)) for i in range(bands + 2)]
    bin_hz = rate / size
    fb = np.zeros((bands, size // 2 + 1), dtype=np.float32)
    for b in range(bands):
        lo, mid, up = edges[b], edges[b + 1], edges[b + 2]
        first = int(np.ceil(lo / bin_hz))
        last = min(size // 2, int(np.floor(up / bin_hz)))
        if first <= last:
            for k in range(first, last + 1):
                f = k * bin_hz
                fb[b, k] = (f - lo) / (mid - lo) if f <= mid else (up - f) / (up - mid)
        else:
            fb[b, min(size // 2, int(round(mid / bin_hz)))] = 1
    return fb


_FB = mel_filterbank()
_HANN = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(WINDOW) / WINDOW)).astype(np.float32)


def log_mel(samples):
    """samples: float array scaled to +-1 at 16 kHz. Returns frames x 32 dB (float32)."""
    x = np.asarray(samples, dtype=np.float32)
    n = 1 + (len(x) - WINDOW) // HOP if len(x) >= WINDOW else 0
    if n == 0:
        return np.zeros((0, BANDS), dtype=np.float32)
    idx = np.arange(WINDOW)[None, :] + HOP * np.arange(n)[:, None]
    frames = x[idx] * _HANN
    spec = np.fft.rfft(frames.astype(np.float64), axis=1)
    power = (spec.real ** 2 + spec.imag ** 2).astype(np.float32)
    energies = power @ _FB.T
    return (10 * np.log10(energies + 1e-12)).astype(np.float32)


def patch(frames):
    """PATCH_FRAMES x 32 dB frames -> the model's input, relative to the loudest value, in [FLOOR_DB, 0] / 20."""
    rel = frames - frames.max()
    return (np.maximum(rel, FLOOR_DB) / 20).astype(np.float32)


def pcm16_to_float(samples):
    return np.asarray(samples, dtype=np.float32) / 32768


def resample(x, rate_in, rate_out=RATE):
    """Band-limited resampling by FFT (a clip at a time; clips are seconds long)."""
    if rate_in == rate_out:
        return np.asarray(x, dtype=np.float32)
    n_out = int(round(len(x) * rate_out / rate_in))
    spec = np.fft.rfft(np.asarray(x, dtype=np.float64))
    keep = min(len(spec), n_out // 2 + 1)
    out_spec = np.zeros(n_out // 2 + 1, dtype=np.complex128)
    out_spec[:keep] = spec[:keep]
    return (np.fft.irfft(out_spec, n_out) * (n_out / len(x))).astype(np.float32)
