from mcshell.launch import main

main()
