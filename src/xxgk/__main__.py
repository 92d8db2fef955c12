"""`python -m xxgk …` is `xxgk …`."""

from xxgk.cli import main

if __name__ == "__main__":
    main(prog_name="xxgk")
