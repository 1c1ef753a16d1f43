from scopecheck.interfaces.cli import main

main()
