from mcshell.cli import main

main(prog_name="mcshell")
